from nudges.cli import main

main()
