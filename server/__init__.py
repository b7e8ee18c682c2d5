"""The process that serves the web app and runs the scheduler beside it."""
