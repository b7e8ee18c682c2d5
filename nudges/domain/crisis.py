"""Crisis language in an inbound text, tier 1: `detect_crisis(text) -> CrisisSignal | None`.

Phrase rules by warning-sign category (after AFSP's warning signs and the C-SSRS
items): suicidal statements, preparation and access to means, acts in progress
or done, goodbyes, burden, hopelessness and feeling trapped, not being safe,
self-harm, harm to a child (acts and intrusive images), and domestic violence;
English and Spanish. Predictable, instant, explainable in review, and pure.

It favours recall. A false alarm costs one kind text with 988 in it and a
clinician glancing at a dashboard; a miss can cost a life. So idioms are removed
only where unmistakable ("this is killing me", "dying to"), and negation is
honoured only where the parent tells us the opposite of a risk in so many words
("not suicidal", "I'd never hurt my baby"), never for despair ("I don't want to
live" is a crisis: the negation is part of the phrase).

Text is normalised first: lowercase, accents stripped, apostrophes dropped,
runs of 3+ repeated letters squeezed ("diiiie" -> "die"), everything else a
space; then text-speak is expanded ("2" -> to, "b" -> be, "w" -> with,
"kms" -> kill myself, "dye" -> die when it is not about hair). Patterns are
plain alternations with no nested repetition, so a 10 kB message is linear.
"""

# ruff: noqa: E501 - phrase tables read best one rule per line
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# The level of response each kind of risk gets. *Crisis* (intent, plans, means,
# acts, goodbyes, not being safe, self-harm, harm to a child, violence): the
# crisis reply, nudges paused, the clinician texted. *Concern* (feeling a burden,
# hopelessness): a caring reply, nudges held, a "possible" alert on the dashboard.
CONCERN_ONLY = frozenset({"burden", "hopeless"})


@dataclass(frozen=True)
class CrisisSignal:
    """Which kinds of risk matched, and the level of response. Names only: the
    text is never kept."""

    categories: tuple[str, ...]
    tier: int = 1  # 1: these phrase rules; 2: the trained screen alone
    level: str = "crisis"  # "crisis" or "concern"

    @property
    def is_concern(self) -> bool:
        return self.level == "concern"


def level_of(categories: tuple[str, ...]) -> str:
    """Crisis unless every category matched is one that calls for concern."""
    return "concern" if categories and set(categories) <= CONCERN_ONLY else "crisis"


MAX_SCAN = 20_000  # characters; a webhook body is at most a few kB

# --- text-speak --------------------------------------------------------------------
_SPEAK = {
    "2": "to",
    "b": "be",
    "w": "with",
    "u": "you",
    "ur": "your",
    "r": "are",
    "wanna": "want to",
    "wana": "want to",
    "wan": "want",
    "gonna": "going to",
    "gona": "going to",
    "ima": "i am going to",
    "imma": "i am going to",
    "im": "i am",
    "ive": "i have",
    "id": "i would",
    "ill": "i will",
    "dont": "do not",
    "doesnt": "does not",
    "didnt": "did not",
    "cant": "can not",
    "cannot": "can not",
    "cnt": "can not",
    "wont": "will not",
    "wouldnt": "would not",
    "couldnt": "could not",
    "isnt": "is not",
    "wasnt": "was not",
    "werent": "were not",
    "aint": "am not",
    "kms": "kill myself",
    "kil": "kill",
    "kiling": "killing",
    "kys": "kill myself",
    "unalive": "kill",
    "unaliving": "killing",
    "no1": "no one",
    "noone": "no one",
    "nobody": "no one",
    "wud": "would",
    "wld": "would",
    "cud": "could",
    "shud": "should",
    "bout": "about",
    "abt": "about",
    "thinkin": "thinking",
    "endin": "ending",
    "feelin": "feeling",
    "cuttin": "cutting",
    "takin": "taking",
    "jumpin": "jumping",
    "hurtin": "hurting",
    "livin": "living",
    "dyin": "dying",
    "jus": "just",
    "jst": "just",
    "4ever": "forever",
    "ppl": "people",
    "w o": "without",
    "aki": "aqui",
    "kiero": "quiero",
    "kieres": "quieres",
    "q": "que",
    "xq": "porque",
    "pq": "porque",
    "dissapear": "disappear",
    "disapear": "disappear",
    "dissappear": "disappear",
    "killin": "killing",
    "goin": "going",
    "tryin": "trying",
    "nemore": "anymore",
    "anymor": "anymore",
    "any more": "anymore",
    "n e more": "anymore",
    "2nite": "tonight",
    "tonite": "tonight",
    "2night": "tonight",
    "rn": "right now",
    "bc": "because",
    "cuz": "because",
    "coz": "because",
    "pls": "please",
    "plz": "please",
    "myslef": "myself",
    "mysef": "myself",
    "meself": "myself",
    "sucide": "suicide",
    "suicde": "suicide",
    "suiside": "suicide",
    "sucidal": "suicidal",
    "suicidle": "suicidal",
    "od": "overdose",
    "odd": "overdose",
    "oded": "overdosed",
    "odd on": "overdosed on",
}
_SPEAK_RE = re.compile(
    r"(?<![a-z0-9])(?:"
    + "|".join(sorted(map(re.escape, _SPEAK), key=len, reverse=True))
    + r")(?![a-z0-9])"
)
# "dye" is a misspelling of "die" unless it is about hair, eggs or fabric.
_DYE = re.compile(r"\bdye\b(?! (?:my|her|his|the|their|it|them|eggs|hair|job|pack|kit))")

# --- shared pieces -----------------------------------------------------------------
_ME = r"(?:myself|my self|me)"
_KID = (
    r"(?:baby|babies|newborn|infant|kid|kids|child|children|son|sons|daughter|daughters"
    r"|toddler|toddlers|little one|little ones|boy|boys|girl|girls|twins|him|her|them)"
)
_MY_KID = r"(?:(?:my|the|our|this|that|his|her) )?" + _KID
_INTENT = (
    r"(?:want to|want|going to|about to|ready to|planning to|plan to|trying to|try to|need to"
    r"|thinking about|thinking of|think about|tempted to|might|will|would|could|gonna|wish i could)"
)
_PILLS = (
    r"(?:pills|pill|tablets|meds|medication|medications|medicine|sleeping pills|painkillers"
    r"|pain killers|antidepressants|xanax|ambien|tylenol|advil|ibuprofen|paracetamol|oxy"
    r"|oxycodone|percocet|insulin|benadryl|valium|klonopin|prescription|prescriptions|bottle"
    r"|whole bottle|the bottle|everything in the (?:medicine )?cabinet)"
)
_TAKE_PAST = r"(?:took|taken|swallowed|downed|ate|overdosed on|popped|chugged)"
_PARTNER = (
    r"(?:he|she|they|partner|husband|wife|boyfriend|girlfriend|ex|bf|gf|fiance|babys dad"
    r"|babys father|my dad|my mom|his dad|stepdad)"
)

PATTERNS: dict[str, list[str]] = {
    "suicidal": [
        r"\bsu[iy]?[cs]+i?de?\w*",  # suicide, suicidal and their misspellings
        r"\bthinking (?:about|of) (?:killing|ending)\b(?! (?:the|a|those|these|that|it off|weeds|bugs"
        r"|spiders|time|my (?:job|marriage|lease)))",
        r"\b(?:thinking about|want to|going to|planning to|about to|might) (?:take|taking|swallow"
        r"|swallowing) (?:all|every one|the whole|a bunch|a handful|enough) (?:of )?(?:my |the )?"
        + _PILLS,
        r"\bkill(?:ing)? " + _ME + r"\b",
        r"\bkill me\b(?! (?:now|softly))",
        r"\b(?:end|ending|take|taking|ended) (?:my|my own) li(?:fe|ves)\b",
        r"\b(?:end|ending) (?:it|it all|everything|things|this)\b"
        r"(?! (?:was|is|of|off|up|with|at|for the day|early))",
        r"\b" + _INTENT + r" (?:to )?(?:die|be dead|dead|end it)\b",
        r"\b(?:wish|hope) (?:i|i was|i were|i would|i could)(?: be)? (?:dead|die|died|gone)\b",
        r"\bbetter off dead\b",
        r"\b(?:do not|never|no longer|not) (?:even )?(?:want|wish|wanna) (?:to )?"
        r"(?:live|be alive|exist|be here|be around|wake up|go on|keep going|keep living)\b",
        r"\b(?:tired|sick) of (?:living|being alive|life)\b",
        r"\bdone (?:with|w) (?:life|living|it all)\b",
        r"\b(?:want|ready|going) to go to sleep and (?:never|not) wake up\b",
        r"\b(?:sleep|go to sleep) and (?:never|not) wake up\b",
        r"\b(?:never|not) wake up\b",
        r"\bstop existing\b|\bcease to exist\b",
        r"\b(?:thinking|thought|dream|dreaming) (?:a lot )?about not waking up\b",
        r"\b(?:would be|will be|are) (?:fine|ok|okay|better) if i (?:killed myself|died|was dead|were dead"
        r"|was gone|were gone)\b",
        r"\bojala (?:no despertara|no despierte|no me despierte|me muriera|me muera)\b",
        r"\b(?:ya )?se (?:como|cuando) lo voy a hacer\b",
        # Planning, without the word: "planning how I would do it", "ways to die".
        r"\b(?:planning|plan|planned|thinking about|figuring out|worked out) (?:how|when|where) i"
        r" (?:would|will|could|am going to|might) do it\b",
        r"\b(?:ways|how|methods?) to (?:die|kill myself|end it|end my life)\b",
        r"\b(?:want|wanna|need|would like|wish i could|just want) to (?:just )?be gone\b",
        # Spanish: "seria mejor morirme", "no le encuentro sentido a vivir".
        r"\b(?:seria|es|estaria) mejor (?:morirme|morir|estar muerta|estar muerto|no estar|no existir)\b",
        r"\b(?:no le (?:encuentro|veo) sentido a (?:la vida|vivir|seguir)|no tiene sentido vivir)\b",
        r"\bquitarme la vida\b",
        r"\b(?:thoughts|thinking) (?:about|of) not (?:being|be) (?:here|around|alive)\b",
        r"\b(?:rather|sooner) be dead\b",
        r"\bwish i (?:was|were) not (?:alive|here|around|born)\b",
        r"\b(?:tired|sick|exhausted) of (?:fighting|trying) to (?:stay alive|live|keep going|survive)\b",
        r"\b(?:can not|do not think i can|not sure i can|will not) (?:make it|get|last) through"
        r" (?:another|the|this) night\b(?! (?:of|without|with|shift))",
        r"\b(?:unsubscribe|opt out|log off|sign off|check out|resign) (?:from|of) (?:life|living|this life"
        r"|this world|existence|being alive)\b",
        r"\b(?:delete|erase|uninstall|unalive) myself\b",
        r"\bwish i (?:was|were|had) never (?:been )?born\b",
        r"\bgun to my head\b",
        r"\b(?:leave|leaving|left) this (?:world|earth|life)\b",
        r"\b(?:not|no longer) (?:being|be) (?:here|around) anymore\b",
        r"\bif i (?:was|were) not (?:here|around)\b",
        r"\bwalk(?:ing)? (?:into|in front of) (?:the )?(?:lake|ocean|river|sea|traffic|water|a (?:car|truck|train))\b",
        r"\bfad(?:e|ing) away\b.{0,30}\b(?:not coming back|never coming back|forever|for good)\b",
        r"\bjump(?:ing)? (?:off|in front of)\b",
        # Driving as a method: "keep thinking about driving into a wall".
        r"\b(?:drive|driving|crash|crashing|swerve|swerving|steer|steering) (?:my car |the car |us )?"
        r"(?:into|off) (?:a |the )?(?:wall|tree|pole|bridge|cliff|oncoming traffic|traffic|truck|lake"
        r"|river|road)\b",
        r"\b(?:hang|hanging|shoot|shooting|drown|drowning) myself\b",
        # Spanish
        r"\b(?:me )?quiero morir\w*",
        r"\bquiero (?:matarme|suicidarme|dejar de vivir|acabar con todo)\b",
        r"\bme quiero (?:matar|suicidar|morir)\b",
        r"\b(?:matarme|quitarme la vida|acabar con mi vida|suicidarme|me voy a matar)\b",
        r"\b(?:no quiero|ya no quiero) (?:vivir|seguir|seguir viviendo|despertar|estar aqui|existir)\b",
        r"\bpienso en (?:morir|matarme|quitarme la vida|suicid\w*)\b",
        r"\bme quiero ir para siempre\b",
        r"\b(?:voy a|quiero|pienso) tomar(?:me)? (?:todas|todo) (?:las |mis )?(?:pastillas|pildoras"
        r"|medicinas|el frasco)\b",
    ],
    "preparation": [
        r"\b(?:saving|saved|stockpil\w+|hoard\w*|collect\w*|counting|counted|gathering|gathered"
        r"|stashing|stashed|saving up|saved up) (?:up )?(?:all )?(?:my |the |some |enough )?"
        + _PILLS,
        r"\b(?:have|got|saved|collected) enough " + _PILLS,
        r"\b(?:enough|how many|how much) (?:of my |of these |of the )?"
        + _PILLS
        + r"\b.{0,40}\b(?:to die|would it take|would be enough|to do it|to not wake up|to kill)",
        r"\bhow (?:many|much) (?:of )?(?:\w+ ){0,3}(?:would|it would) (?:it )?take\b",
        r"\bhow much \w+ would be enough\b",
        r"\b(?:looked up|look up|looking up|googled|googling|researching|researched|searched)"
        r" (?:for |up )?(?:how|ways|the (?:quickest|easiest|best|fastest)|methods|doses|lethal|the tallest)",
        r"\b(?:quickest|easiest|painless|fastest) ways? to (?:go|die|do it|end it)\b",
        r"\blethal dose\b|\bdose that (?:would|will|could) (?:be lethal|kill)\b",
        r"\b(?:saving|saved|stockpiling|hoarding) (?:up )?(?:my |all my |some of my )?(?:pain |sleeping"
        r" |anxiety )?(?:pills|meds|tablets|medication)\b(?! (?:for (?:the|my) (?:kids|trip|flight)))",
        r"\b(?:bought|got|have|keep|found) (?:a |the )?(?:rope|gun|pistol|rifle|noose)\b"
        r"(?! (?:swing|ladder|toy|course|safe))"
        r".{0,40}\b(?:for|thinking|looking at|about it|keep looking|what its for|for me)",
        r"\b(?:gun|rope|knife|pills|noose)\b.{0,30}\b(?:keep thinking about|thinking about (?:it|using)"
        r"|keep looking at|keeps calling)",
        r"\b(?:keep thinking about|keep looking at|thinking about using|keep staring at) (?:the |my |a |his )?"
        r"(?:knife|gun|rope|pills|noose|razor|blade)\b(?! (?:block|drawer|schedule|organi[sz]er))",
        r"\b(?:i have|i made|got|i have got) a plan\b",
        r"\bplan (?:for how|to do it|on how)\b",
        r"\b(?:picked|chose|set|have) a date\b",
        r"\bknow (?:exactly )?how i (?:would|will|am going to|could) do it\b",
        r"\b(?:wrote|writing|written|left|leaving) (?:a |my )?(?:suicide )?(?:note|notes|letters?"
        r"|goodbye letters?)\b(?! (?:for|to) (?:the )?(?:teacher|school|daycare))",
        r"\bgoodbye (?:letters?|notes?)\b",
        r"\bgiv(?:e|ing|en) (?:away )?(?:all )?(?:my|away my) (?:stuff|things|belongings|possessions)"
        r"|\bgiv(?:e|ing|en) (?:my )?(?:stuff|things|belongings) away\b",
        r"\b(?:who gets what|put(?:ting)? my affairs in order"
        r"|life insurance is paid|affairs in order)\b"
        r"(?! (?:for (?:the |a |our )?(?:new |next )?(?:school|year|move|trip|vacation|baby|semester|taxes)))",
        r"\b(?:got|have) everything ready\b",
        r"\b(?:hiding|hid|hidden|keeping|kept|stashing|saving) (?:\w+ ){0,3}(?:pills|meds|tablets|gun|knife"
        r"|rope|razors?|blades?)\b.{0,40}\b(?:when i need|for when|just in case|for later|for tonight)\b",
        r"\bif anything (?:happens|were to happen|should happen) to me\b",
        r"\b(?:take|raise|look after|care of) (?:the|my) (?:kids|children|babies|baby)\b.{0,30}"
        r"\bif (?:i am|i was|i am not|i was not) (?:gone|here|around)\b",
        r"\b(?:compre|consegui|tengo|junte) (?:las |unas |mis )?(?:pastillas|pildoras|una pistola|un arma"
        r"|una cuerda)\b.{0,30}\b(?:listo|lista|todo listo|preparad[oa])\b",
        r"\b(?:carta|cartas|nota|notas) (?:a|para) (?:mis hijos|mi familia|mi esposo|mis ninos)\b.{0,30}"
        r"\b(?:por si|cuando ya no|si no estoy)\b",
        r"\bpor si (?:ya )?no (?:estoy|regreso|despierto)\b",
        r"\b(?:the |my )?(?:pills|meds|tablets|rope|gun|knife|noose) (?:are |is )?(?:all )?ready\b"
        r"(?! (?:for|at|to|in|on|from|by|tomorrow|monday|tuesday|wednesday|thursday|friday))",
        r"\bcounted (?:out )?(?:all )?(?:of )?(?:my |the )?(?:pills|meds|tablets)\b",
        r"\b(?:bottle|handful|pile|bunch) of (?:pills|tablets|meds|sleeping pills)\b.{0,30}"
        r"\b(?:in front of me|next to me|in my hand|lined up|counted out)\b",
        r"\b(?:bought|got|have|found) (?:a |some |the )?rope\b(?! (?:swing|ladder|toy|for the))",
        r"\b(?:staring|stare|keep staring|can not stop staring|can not stop looking) at"
        r" (?:the |my |a )?(?:knives|knife|pills|gun|rope|razor|razors|blade|blades)\b"
        r"(?! (?:block|drawer|set|sharpener|schedule|organi[sz]er))",
        r"\b(?:gave|giving|given|give) (?:away )?(?:[a-z]+ ){0,8}?my (?:jewelry|jewellery|belongings"
        r"|possessions|valuables)\b",
        # Spanish
        r"\b(?:juntando|guardando|acumulando|ahorrando) (?:\w+ )?pastillas\b",
        r"\b(?:tengo|ya tengo) un plan\b",
        r"\b(?:cartas?|notas?) de despedida\b",
        r"\bregalando (?:todas )?mis cosas\b",
        r"\btengo un arma\b",
        r"\b(?:gun|pistol|rifle)\b.{0,30}\bloaded\b|\bloaded (?:the |my |a |his )?(?:gun|pistol|rifle)\b",
    ],
    "acts": [
        r"\b"
        + _TAKE_PAST
        + r" (?:a |an |all |all of |like |about |over |too many |a lot of |a handful of )?"
        r"(?:\d+ |my |the |of my |of the |whole |entire |handful of |twenty |thirty |a bunch of )*"
        + _PILLS,
        r"\btoo many (?:of my )?(?:\w+ )?" + _PILLS,
        r"\btoo many (?:sleeping|sleep|anxiety|pain|allergy) (?:tablets|meds|pills)\b",
        r"\b(?:mixed|mixing|took|taking|taken) (?:my )?(?:\w+ )?(?:meds|pills|xanax|medication|tablets)"
        r" (?:with|and) (?:a bottle of |some |a lot of )?(?:vodka|wine|alcohol|beer|whiskey|booze|drinks)\b",
        r"\b(?:overdose|overdosed|overdosing)\b",
        r"\b(?:drank|drinking|downed|had) (?:a |the )?(?:whole |entire )?bottle of (?:vodka|wine|whiskey"
        r"|tequila|rum|gin|alcohol)\b.{0,20}\b(?:with|and|plus) (?:my |all my |the )?(?:\w+ )?(?:pills"
        r"|meds|tablets|xanax|medication)\b",
        r"\b(?:car|engine|motor) (?:is )?running\b.{0,20}\b(?:closed|shut) garage\b",
        r"\b(?:mixing|mixed|drinking|drank)\b.{0,30}\b(?:with|on top of|and) (?:my )?" + _PILLS,
        r"\b(?:standing|sitting|am|i am) (?:on|at) (?:the |a )?(?:bridge|roof|ledge|edge|cliff"
        r"|(?:train |railroad |railway )?tracks|railing|overpass)\b",
        r"\b(?:roof|bridge|ledge|cliff) (?:right now|rn)\b",
        r"\b(?:car|engine) (?:is )?running\b.{0,30}\b(?:garage|closed|shut)\b"
        r"|\bgarage\b.{0,40}\b(?:car|engine|motor) (?:is )?(?:running|on)\b",
        r"\b(?:cut|cutting) (?:too deep|my wrists?|my arm|my veins)\b",
        r"\b(?:will not|wont|does not|cant) stop bleeding\b",
        r"\bbleeding (?:a lot|so much|badly|heavily|everywhere) (?:from|on) my (?:wrists?|arms?|legs?"
        r"|thighs?)\b|\bmy (?:wrists?|arms?) (?:is|are) bleeding\b",
        r"\b(?:already did it|already took them|its too late)\b",
        # Spanish
        r"\bme tome (?:todas|todo|un frasco|el frasco|muchas|las) ?(?:\w+ )?(?:pastillas|pildoras)?\b",
        r"\b(?:me corte|cortandome) (?:las venas|el brazo|muy profundo|y no para)\b",
        r"\bno para de sangrar\b",
        r"\bestoy en (?:el puente|la azotea|el techo)\b",
        r"\bsobredosis\b",
        r"\b(?:tome|me tome|trague|me trague) (?:muchas|todas|un monton de|demasiadas|todas mis)"
        r" (?:pastillas|pildoras|medicinas)\b",
    ],
    "goodbye": [
        r"\b(?:this is|its|it is) (?:my )?(?:final |last )?goodbye\b",
        r"\bgoodbye (?:forever|for good|everyone|world|to everyone)\b",
        r"\b(?:my|this is my) (?:last|final) (?:message|text|words)\b",
        r"\blast (?:text|message) (?:you will|youll) (?:get|ever get)\b",
        r"\b(?:will not|wont|not going to) be (?:here|around) (?:tomorrow|much longer|anymore|for long)\b",
        r"\b(?:saying|say) (?:my )?goodbyes?\b(?! to (?:our|the|my) (?:nanny|neighbors|teacher))",
        r"\bsay goodbye before i go\b",
        r"\btell (?:my )?(?:kids|children|babies|family|husband|son|daughter) (?:that )?i love(?:d)? them\b",
        r"\b(?:make sure|tell) (?:my )?(?:babies|kids|children) (?:know|that)\b.{0,40}\b(?:not|never) their fault\b",
        r"\bby the time (?:anyone|you|someone) (?:reads|sees|gets) this\b",
        r"\bleaving for good\b",
        r"\b(?:you|they|nobody|no one) (?:will not|wont|are not going to) (?:hear from|see) me"
        r" (?:again|anymore|ever again)\b",
        r"\bnone of this (?:is|was) (?:their|your|his|her) fault\b",
        r"\b(?:last|final) (?:text|message) (?:i will|i am going to|i ll|ill|i will ever) (?:send|write)\b",
        r"\btell (?:my )?(?:son|daughter|kids|children|babies|husband|wife|family|mom|mother) (?:that )?i"
        r" (?:loved|always loved) (?:him|her|them|you)\b",
        r"\bperdon(?:enme|ame|en) por todo\b|\bya me voy para siempre\b",
        r"\bthank you for everything\b.{0,40}\b(?:goodbye|bye|will not|wont) \b",
        r"\bya no (?:me )?(?:van|vas) a (?:volver a )?(?:escribir|ver|saber de mi)\b",
        r"\bno (?:me )?(?:volveran|volveras) a (?:ver|escribir)\b",
        r"\b(?:diganle|dile|digan) a (?:mis hijos|mi familia|mis ninos|mi esposo|mi mama)"
        r" que (?:los|las|la|lo) (?:amo|quiero|perdonen)\b",
        r"\b(?:adios|adios a todos)\b.{0,20}\b(?:perdon\w*|para siempre)\b",
        r"\b(?:mi )?ultimo mensaje\b",
        r"\b(?:esta|este) es mi despedida\b|\bme despido de (?:todos|ustedes|ti)\b",
        r"\btell (?:my )?(?:kids|children|babies|family|husband|wife|son|daughter|mom|mother)"
        r" (?:that )?i am (?:so )?sorry(?: for everything| and (?:that )?i love them)? $",
        r"\bmade (?:my )?peace\b.{0,40}\bready\b",
    ],
    "burden": [
        r"\b(?:better off|happier|fine|better) without me\b",
        r"\bbetter off\b.{0,50}\bwithout me\b",
        r"\bbetter off if i (?:died|was dead|were dead|was gone|were gone|was not here|disappeared)\b",
        r"\bi am (?:just |only |such |nothing but |nothing more than )?a burden\b",
        r"\bpeople would be better off without me\b",
        r"\b(?:im|i am|feel like) (?:a )?burden to\b",
        r"\b(?:no one|nobody) (?:would|will|is going to|would even|will even) "
        r"(?:miss|care|notice|cry)\b",
        r"\b(?:no one|nobody) (?:would )?(?:care|notice) if i (?:died|was gone|disappeared|was dead)\b",
        r"\bif i (?:was|were) gone\b",
        r"\bworld (?:would be|is) better without me\b",
        r"\b(?:everyone|everybody|they) would be (?:happier|better|fine)\b.{0,30}\b(?:if i|without me)\b",
        r"\bonly make (?:everyones|everything|their) li(?:fe|ves) worse\b",
        r"\bdragging everyone down\b",
        r"\bdeserve (?:a )?better (?:mom|mother|dad|father|parent) than me\b",
        # Spanish
        r"\b(?:estarian|estaria|estan) mejor sin mi\b",
        r"\b(?:mejor|todos estarian mejor) sin mi\b",
        r"\b(?:soy|me siento|me siento como) una carga\b",
        r"\bwaste of (?:space|oxygen|air)\b",
        r"\b(?:all i do is|i only|i just) (?:ruin|destroy|wreck|mess up) (?:everything|everyones lives|their"
        r" lives)\b",
        r"\b(?:relieved|better|happier|fine|mejor|tranquilos|felices) (?:\w+ ){0,3}if (?:i|yo) (?:was|were)"
        r" gone\b",
        r"\bsi yo no (?:existiera|estuviera)\b",
        r"\bsoy (?:solo |solamente )?un (?:estorbo|problema) para\b",
        r"\bnadie me (?:extranaria|extrañaria|echaria de menos|extrana)\b",
    ],
    "hopeless": [
        r"\b(?:can not|cant|could not) (?:go on|keep going|do this anymore|take (?:it|this) anymore"
        r"|keep doing this|live like this|handle (?:it|this|anything) anymore|cope anymore|see a way)\b"
        r"(?! (?:the|a|an|to|with|at|on|in|for|tomorrow|today|bedtime|routine)\b)",
        r"\b(?:no|do not see (?:a|any)|can not see (?:a|any)) (?:point|way out|hope|future|reason to"
        r" (?:live|keep living|go on|be here))\b",
        r"\b(?:no|any) reason (?:for me )?to (?:live|keep living|go on|be here|keep going)\b",
        r"\bnothing (?:left )?to live for\b",
        r"\bno future for me\b|\bthere is no future\b",
        r"\bwhats the point(?: of (?:living|anything|any of it|life))?\b",
        r"\bhopeless\b",
        r"\b(?:never|not ever) going to get better\b|\bit will never get better\b",
        r"\bno reason (?:for me )?to (?:stay|stick around|be here|keep trying)\b",
        r"\bnothing left to (?:give|live for|lose)\b",
        r"\b(?:life|living) (?:is not|isnt|is no longer|not) worth\b|\bnot worth (?:living|it anymore"
        r"|being alive)\b|\bliving (?:is not|isnt) worth it\b",
        r"\bmy life is (?:pointless|meaningless|over)\b",
        r"\b(?:trapped|no way out)\b.{0,40}\b(?:no way out|nothing will|never get better|trapped)\b"
        r"|\b(?:completely|so|totally) trapped\b|\bsee no way out\b|\bno way out\b",
        r"\b(?:want|wish|need) (?:it all|everything|it|the pain|this) to (?:stop|end|be over)\b",
        r"\b(?:just )?(?:want to|wish i could|want) (?:to )?(?:just )?(?:disappear|vanish|not exist|sleep forever)"
        r"(?: forever)?\b",
        r"\bgiv(?:e|ing) up on (?:life|everything|myself|living)\b",
        r"\b(?:i am|im) (?:so )?done\b(?! with)(?!.{0,12}\b(?:today|tonight|lol|haha|for the day)\b)",
        r"\bdone with (?:life|living|it all|everything|this life|being alive)\b",
        # Spanish
        r"\b(?:no puedo|ya no puedo|no aguanto|ya no aguanto) (?:mas|seguir)\b",
        r"\bsin salida\b|\bno hay salida\b",
        r"\b(?:sin esperanza|no hay esperanza)\b",
        r"\bno (?:tengo|hay) (?:nada|razon|razones) (?:para|por) (?:vivir|que vivir|seguir)\b",
        r"\bno le veo (?:sentido|salida)\b",
        r"\bno vale la pena (?:vivir|seguir)\b",
        r"\b(?:no|ninguna|sin) (?:veo )?(?:ninguna )?salida\b",
        r"\bnada (?:va a|nunca va a|jamas va a) mejorar\b|\bnunca va a mejorar\b",
        r"\bquiero desaparecer\b",
        r"\bno quiero despertar\b",
    ],
    "not_safe": [
        r"\b(?:i am|i feel) not safe\b(?! (?:at|in|on|with) (?:school|work|the|this (?:car|road)))"
        r"(?! (?:driving|to drive|behind the wheel|on the road))",
        r"\bnot safe (?:right now|tonight|with myself|around myself)\b",
        r"\b(?:do not|can not) (?:trust|keep) myself(?: safe)?\b",
        r"\b(?:do not|dont) feel safe (?:with|being alone with|around) (?:myself|my thoughts)\b",
        r"\b(?:do not|dont|never) feel safe (?:being )?(?:by myself|alone|on my own)\b",
        r"\b(?:scared|afraid|terrified) of myself\b",
        r"\bno me siento (?:segura|seguro|a salvo) (?:conmigo mism[ao]|sola|solo)\b",
        r"\b(?:scared|afraid|terrified) of what i (?:might|will|could|would|may|ll) do\b",
        r"\b(?:scared|afraid) (?:that )?i (?:will|might|am going to) do something\b",
        r"\bi (?:might|will|am going to|could) do something (?:stupid|drastic|bad|dumb|terrible)"
        r" (?:tonight|today|right now|soon)\b",
        r"\bi am not (?:ok|okay)\b.{0,40}\b(?:scared|do something|hurt)\b",
        r"\bno estoy (?:a salvo|segura|seguro)\b",
        r"\bmiedo de lo que (?:pueda|podria) hacer\w*\b",
    ],
    "self_harm": [
        r"\b(?:cut|cutting|hurt|hurting|harm|harming|burn|burning|burned|burnt|scratch|scratching"
        r"|punch|punching|hit|hitting|starve|starving|bang|banging) " + _ME + r"\b",
        r"\bself ?harm\w*",
        r"\b(?:cutting|burning) again\b",
        r"\b(?:cutting|cut|burning|burned|burnt|scratching|hitting) my (?:thighs?|legs?|arms?|wrists?"
        r"|stomach|skin|hips?)\b(?! (?:on|with|while|shaving|cooking|at))",
        r"\b(?:volvi a cortarme|me volvi a cortar|me corto (?:los|las) (?:brazos|piernas)|me quemo"
        r" (?:la piel|los brazos))\b",
        r"\bscratch(?:ing)? (?:my )?(?:arms|skin|legs) until\b",
        r"\bburn(?:ing|ed|t)? my (?:skin|arm|arms|wrist|leg)\b",
        r"\bbang(?:ing)? my head\b",
        r"\bhurt myself on purpose\b|\bwanted it to hurt\b",
        r"\b(?:hacerme dano|lastimarme|cortarme|me estoy cortando|me queme|quemarme|me corto"
        r"|me voy a cortar|me voy a lastimar|me voy a quemar|me estoy lastimando|me lastimo)\b",
    ],
    "harm_to_child": [
        r"\b(?:hurt|hurting|harm|harming|hit|hitting|shake|shaking|shook|smother|smothering"
        r"|smothered|kill|killing|drown|drowning|choke|choking|strangle|strangling|throw|throwing"
        r"|threw|suffocate|suffocating|beat|beating|slapped|slap|punched|snap at|lose it with"
        r"|lose control with) " + _MY_KID + r"\b",
        r"\b(?:picturing|imagining|imagine|picture|thoughts of|thought about|think about|visions of)"
        r" (?:\w+ ){0,2}(?:hurting|drowning|smothering|shaking|throwing|killing|suffocating|harming"
        r"|dropping|stabbing)"
        r"\b",
        r"\b(?:afraid|scared|terrified) (?:to be|of being) alone with (?:my |the )?" + _KID + r"\b",
        r"\b(?:do not|can not) trust myself (?:alone )?(?:with|around) (?:my |the )?"
        + _KID
        + r"\b",
        r"\bpillow over (?:his|her|their|the babys) face\b",
        r"\b(?:left|leaving) marks? on\b|\bleft marks\b",
        r"\b(?:left|leaving|gave|give) (?:him|her|them|my \w+) (?:a )?bruises?\b|\bleft bruises\b",
        r"\b(?:grabbed|shook|squeezed|hit|slapped) (?:my |the )?\w+ so hard\b",
        r"\bintrusive thoughts\b",
        r"\b(?:lastimar|hacerle dano|hacerle da\w+|pegarle|matar|ahogar|sacudir|sacudi)"
        r" (?:a )?(?:mi|mis|al|el|la) ?(?:bebe|hijo|hija|hijos|hijas|nino|nina|ninos)\b",
        r"\ble pegue (?:muy fuerte )?a mi (?:hijo|hija|bebe)\b",
        r"\bsacudi al bebe\b",
    ],
    "violence": [
        r"\b" + _PARTNER + r" (?:hits|hit|beats|beat|chokes|choked|strangled|strangles|hurts|hurt"
        r"|threatens|threatened|is hurting|keeps hitting|pushed|shoved|slapped|punched|kicked"
        r"|grabbed) (?:me|us|my)\b",
        r"\b(?:pushed|shoved|threw) me (?:down|into|against)\b",
        r"\bthreaten(?:ed|s|ing)? to kill\b|\b(?:said|says) (?:he|she)(?:ll| will| would) kill me\b",
        r"\b(?:going|gonna|wants|want|trying|will) to kill (?:me|us)\b|\bkill me if i\b",
        r"\b(?:afraid|scared|terrified) (?:of|for) (?:my|our) (?:life|lives|safety)\b",
        r"\b(?:afraid|scared|terrified) of (?:my )?(?:husband|wife|partner|boyfriend|girlfriend|ex"
        r"|fiance|babys dad|babys father|stepdad)\b",
        r"\b(?:abuse|abusing|abused|abusive)\b(?! (?:of|the system))",
        r"\bnot safe (?:at home|here|with (?:him|her|them|my))\b",
        r"\b(?:he|she|they) (?:has|have|got) a (?:knife|gun|weapon)\b",
        r"\b(?:he|she|they) (?:keeps|keep|puts|put|leaves|left) (?:his|her|their|a|the) (?:gun|knife"
        r"|weapon)\b.{0,30}\b(?:argue|argument|fight|fighting|mad|angry|drunk)\b",
        r"\b(?:took|takes|hid|hides|hidden) (?:my )?(?:car )?(?:keys|phone|car)\b.{0,30}\b(?:can not|cannot"
        r"|cant) (?:leave|get out|call|go)\b",
        r"\b(?:miedo|terror) (?:de )?que me (?:mate|lastime|pegue)\b",
        r"\b(?:will not|wont|does not|do not) let me (?:see|talk to|call|visit) (?:my )?(?:family"
        r"|friends|mom|mother|sister|parents)\b",
        r"\bhiding (?:in|from)\b.{0,30}\b(?:him|her|them|bathroom|closet)\b",
        r"\b(?:will not|wont|does not) let me (?:leave|go|out)\b",
        r"\blocked me (?:in|out)\b",
        r"\b(?:breaking|broke|broken) into (?:my|our|the) (?:house|home|apartment)\b",
        r"\b(?:someone|somebody|he|she|they|a man|a guy|my ex) (?:is |are )?(?:trying to|tried to)"
        r" (?:break in|break into|force (?:his|her|their|the) way in|get in(?:to)? (?:the |my |our )?"
        r"(?:house|home|apartment|room|bedroom))\b",
        r"\b(?:took|takes) my phone\b.{0,20}\b(?:locked|wont let|will not let)\b",
        # Spanish
        r"\b(?:me pega|me golpea|me golpeo|me ahorco|me ahorca|me empujo|me amenazo|me amenaza)\b",
        r"\bamenaz\w+ con (?:matarme|un cuchillo|una pistola)\b",
        r"\bno me deja salir\b",
        r"\b(?:entro|entraron|se metio) a (?:mi|la) casa\b",
        r"\bcon un cuchillo\b",
    ],
}

# Negation the parent uses to tell us the opposite of a risk. Honoured only for
# these phrases, and only when it comes right before them.
_REASSURANCE = re.compile(
    r"\b(?:not|never|no|nothing) (?:\w+ ){0,1}(?:suicidal|going to (?:hurt|do anything)"
    r"|in (?:any )?danger|thinking (?:of|about) (?:suicide|hurting))\b"
    r"|\b(?:would|will|could) never (?:ever )?(?:hurt|harm)\b"
    r"|\b(?:never|not) (?:thought about|going to) (?:hurt|hurting|harm)\w* (?:myself|my)\b"
    r"|\bdo not want to die\b(?=.{0,20}\bjust\b)"
    r"|\b(?:i am|i feel) (?:safe|ok|okay|fine)\b.{0,20}\bjust (?:needed|need|wanted) to (?:vent|say it"
    r"|talk|get it out)\b"
    r"|\bno es que (?:quiera|me quiera) (?:hacerme dano|lastimarme|morir|morirme|matarme|hacer nada)\b"
    r"|\bno (?:estoy|estoy pensando en) (?:suicid\w*|hacerme dano)\b"
)
_NEGATED_HARM = re.compile(
    r"\b(?:never|would not|could not|would never|could never|will never|do not ever|not)\s+"
    r"(?:ever\s+)?(?:\w+\s+)?$"
)

# Idioms that look like crisis phrases but are not; removed before matching.
_IDIOMS = re.compile(
    r"\b(?:killing it|killed it|killin it|(?:is|are|was|were) killing me|killing me softly"
    r"|dying to (?:see|try|know|go|get|hear|meet|watch|eat|have)|to die for|could kill for"
    r"|die of (?:embarrassment|laughter|shame|boredom|cuteness)|died laughing"
    r"|(?:could|would) die happy|dead tired|dead on my feet|be the death of me|the end of me|end of my rope"
    r"|(?:phone|battery|car|laptop|plant|plants|computer|tablet|ipad) (?:is |was |just |all )?died"
    r"|end (?:it|things) with (?:him|her|them|my)|shoot me (?:a text|an email|a message)"
    r"|kill me now|shoot me|"
    # Things, not people, "are going to kill me": the week, the phase, the kids.
    r"(?:phase|week|day|job|teething|heat|weather|traffic|commute|homework|laundry|school|work"
    r"|toddler|toddlers|kids|baby|twins|bedtime|potty training|this|that|winter|summer)"
    r" (?:is |are |was )?(?:going to|gonna) (?:kill me|be the death of me)|"
    r"(?:moving|move|moved|relocating)\b.{0,40}\bsay(?:ing)? goodbye|"
    r"say(?:ing)? goodbye to (?:her|his|their|our|my|the) (?:teachers?|class|classmates|friends|coach"
    r"|nanny|grandparents|grandma|grandpa)|"
    r"(?:disappear|desaparecer) (?:for|por|un|una) (?:a )?(?:weekend|week|day|night|while|fin de semana"
    r"|semana|dia|noche|rato)|"
    r"hit (?:her|his|my|their) (?:brother|sister|siblings?) with a (?:pillow|toy|balloon|noodle)|drowning in (?:laundry|emails|work|paperwork|dishes|bills)"
    r"|nobody died|no one died|hit me up|hit me with (?:a|the|his|her) (?:toy|pillow|ball|block|book|spoon)"
    r"|no point (?:in )?(?:folding|cleaning|tidying|doing the|making the|mopping|vacuuming"
    r"|arguing|argue|reasoning|explaining|asking|telling|cooking|buying|waiting|fighting|getting"
    r"|trying to (?:get|make|explain|reason|argue))"
    r"|me muero de (?:ganas|hambre|sueno|risa)"
    r"|me esta matando|muerta de cansancio|muerto de cansancio)\b"
)

_COMPILED = {name: re.compile("|".join(parts)) for name, parts in PATTERNS.items()}
REASSURABLE = {"suicidal", "self_harm", "harm_to_child"}


def normalise(text: str) -> str:
    text = text[:MAX_SCAN]
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    text = re.sub(r"['\u2018\u2019`\u00b4]", "", text)
    text = re.sub(r"([a-z])\1{2,}", r"\1", text)
    text = re.sub(r"[^a-z0-9]+", " ", text).strip()
    text = _SPEAK_RE.sub(lambda m: _SPEAK[m.group(0)], text)
    text = _DYE.sub("die", text)
    return f" {text} "


def detect_crisis(text: str) -> CrisisSignal | None:
    """The risk categories the message matches, or None. Never raises."""
    if not text:
        return None
    plain = _IDIOMS.sub(" ", normalise(text))
    reassured = bool(_REASSURANCE.search(plain))
    found: list[str] = []
    for name, pattern in _COMPILED.items():
        for match in pattern.finditer(plain):
            if name == "harm_to_child" and _NEGATED_HARM.search(plain[: match.start()]):
                continue
            if reassured and name in REASSURABLE and _near_reassurance(plain, match.start()):
                continue
            found.append(name)
            break
    return CrisisSignal(tuple(found), level=level_of(tuple(found))) if found else None


def _near_reassurance(plain: str, start: int) -> bool:
    """A reassurance within a few words before the matched phrase, or the match is
    itself inside one ("not suicidal")."""
    window = plain[max(0, start - 40) : start + 40]
    return bool(_REASSURANCE.search(window))


def reassures(text: str) -> bool:
    """The parent tells us, in so many words, that they are not at risk ("not
    suicidal, just tired", "I'm safe, just venting")."""
    return bool(_REASSURANCE.search(_IDIOMS.sub(" ", normalise(text))))


def is_crisis(text: str) -> bool:
    return detect_crisis(text) is not None
