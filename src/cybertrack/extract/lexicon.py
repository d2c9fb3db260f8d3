"""Word lists and patterns the extraction rules share.

General English of cyber-operations reporting only: no rule names a particular article's words.
Each list says which decision it feeds, so a reader can tune one without breaking another.
"""

from __future__ import annotations

import re
from typing import Final

from cybertrack.extract.casefold import compile_ci


def _alt(words: list[str] | tuple[str, ...]) -> str:
    """A regex alternation, longest first so that "cyberattacks" beats "cyberattack"."""
    return "|".join(sorted((w.replace(" ", r"\s+") for w in words), key=len, reverse=True))


# --- incidents ------------------------------------------------------------------------------
#: Nouns that name a cyber event by themselves.
CYBER_NOUNS: Final = (
    "cyberattack", "cyber attack", "cyber-attack", "cyber operation", "cyber-operation",
    "cyber intrusion", "cyber espionage", "cyber-espionage", "cyberespionage", "cyber campaign",
    "hack", "hacking", "breach", "data breach", "intrusion", "compromise", "ransomware attack",
    "ddos attack", "denial-of-service attack", "denial of service attack", "wiper attack",
    "malware attack", "espionage campaign", "spying campaign", "phishing campaign",
    "hacking campaign", "cyber incident", "cyber sabotage", "leak", "defacement", "defacements",
    "cyber heist", "cyber-heist",
)
#: Nouns that name a cyber event only in a document about cyber operations.
GENERIC_EVENT_NOUNS: Final = ("attack", "operation", "campaign", "incident", "intrusion",
                               "heist", "outbreak")
#: Finite verbs reporting that a cyber operation happened (past or perfect forms).
EVENT_VERBS: Final = (
    "hacked", "breached", "compromised", "targeted", "attacked", "infiltrated", "disrupted",
    "defaced", "stole", "stolen", "exfiltrated", "infected", "spied on", "crippled",
    "knocked offline", "took offline", "taken offline", "wiped", "encrypted", "leaked",
    "penetrated", "hijacked", "sabotaged", "gained access to", "surveilled", "paralyzed",
    "paralysed", "intercepted", "exploited", "has targeted", "have targeted", "had targeted",
    "targets", "compromises", "steals",
)
#: Present-tense verbs of a headline ("Anonymous attacks Israeli websites"): read as verbs
#: only in a headline, right after a named party, since in running text most are nouns.
HEADLINE_EVENT_VERB_RE: Final = compile_ci(
    r"^\s+(?P<verb>attacks|hits|targets|hacks|breaches|leaks|defaces|knocks\s+(?:[\w'’-]+\s+){0,4}?"
    r"offline|takes\s+down|cripples|disrupts|paralyses|paralyzes|infiltrates|wipes)\b")
#: Hacktivist collectives whose names are ordinary words, known to every reader of the news
#: but not in the reference data: named only where they act or speak as a group.
COLLECTIVES: Final = ("Anonymous",)
#: Verbs that report a cyber operation only in a sentence with a cyber word of its own.
WEAK_EVENT_VERBS: Final = (
    "conducted", "launched", "carried out", "used", "monitored", "hit", "struck", "destroyed",
    "erased", "obtained", "shut down", "accessed", "deployed", "spied",
)
EVENT_NOUN_RE: Final = compile_ci(
    r"\b(?P<noun>" + _alt(CYBER_NOUNS) + r")(?P<plural>e?s)?\b"
)
GENERIC_NOUN_RE: Final = compile_ci(
    r"\b(?P<noun>" + _alt(GENERIC_EVENT_NOUNS) + r")(?P<plural>s)?\b"
)
EVENT_VERB_RE: Final = compile_ci(r"\b(?P<verb>" + _alt(EVENT_VERBS) + r")\b")
WEAK_EVENT_VERB_RE: Final = compile_ci(r"\b(?P<verb>" + _alt(WEAK_EVENT_VERBS) + r")\b")
#: A cyber word of the sentence's own (generic words like "systems" or "data" do not count).
STRICT_CYBER_RE: Final = compile_ci(
    r"\b(cyber\w*|hack\w*|malware|ransomware|wipers?|spyware|ddos|denial[- ]of[- ]service|"
    r"phishing|backdoors?|breach\w*|intrusions?|threat actors?|APT\s?\d+|exploit\w*|"
    r"espionage|zero-days?|botnets?|trojans?|implants?)\b"
)
#: Words before a verb that make it a purpose, plan or hypothesis rather than an event.
IRREALIS_BEFORE_VERB_RE: Final = compile_ci(
    r"\b(?:to|could|would|might|may|can|will|shall|should|must|order to|able to|plans? to|"
    r"attempts? to|attempted to|trying to|tried to|intended to|aimed to|wanted to|"
    r"previously|formerly|once)\s+$"
)
#: Markers that a new incident begins (rather than a further mention of one already named).
NEW_INCIDENT_RE: Final = compile_ci(
    r"\b(another|second|a new|a further|a subsequent|a separate|a fresh|a later|renewed|"
    r"secondary|follow-up|follow-on)\b"
)
ORDINAL_RE: Final = compile_ci(
    r"\bthe\s+(first|second|third|initial|earlier|later|latest|most recent)\s+"
    r"(?:[\w-]+\s+){0,2}?(?:cyber[- ]?)?(?:attack|operation|incident|intrusion|breach|hack)"
)
ORDINALS: Final = {"first": 0, "initial": 0, "earlier": 0, "second": 1, "third": 2,
                   "later": -1, "latest": -1, "most recent": -1}

#: Incident kind -> cue regex (matched in sentences that report or refer to an incident).
KIND_CUES: Final[dict[str, str]] = {
    "ransomware": r"ransomware|ransom note|ransom demand\w*|encrypted (?:files|data|systems)|"
                  r"(?:paid|pays|pay|paying|demanded|demands|demanding) (?:\S+ ){0,3}ransom|"
                  r"held (?:\w+ ){0,2}(?:to )?ransom|ransom (?:was|were|is) (?:paid|demanded)|"
                  r"(?:locked|encrypted) (?:\w+ ){0,3}(?:files|data|systems|computers) "
                  r"(?:\w+ ){0,4}ransom",
    "destruction": r"\w*wipers?|wip(?:es?|ing|ed)|data destruction|"
                   r"destroy(?:ed|ing|s)? (?:\w+ ){0,2}"
                   r"(?:data|files|systems|hard drives|computers)|destructive|erased|"
                   r"overwr(?:ote|itten)|bricked|master boot records?|MBR|data[- ]deletion|"
                   r"delet(?:e|ed|es|ing) (?:\w+ ){0,2}(?:data|files)|"
                   r"render(?:s|ed|ing)? (?:\w+ ){0,3}(?:unusable|inoperable|inoperative)",
    "ddos": r"ddos|denial[- ]of[- ]service|flood(?:ed)? with traffic|botnet attack",
    "defacement": r"defac(?:ed|ing|ement|ements)",
    "doxing": r"dox(?:x)?(?:ing|ed)?|leak(?:ed|ing)? (?:the )?(?:personal|private|internal|"
              r"sensitive)|published (?:stolen|leaked|hacked)|hack[- ]and[- ]leak|"
              r"(?:was|were|been|be) leaked|leaked (?:online|to the press)|"
              r"(?:posted|published|dumped|released) (?:\w+ ){0,3}online|"
              r"leak(?:s|ed|ing)? (?:\w+ ){0,4}?(?:documents|files|e-?mails|records|"
              r"archives?|episodes|films|recordings|correspondence|cables)",
    "data-theft": r"stole|stolen|steal(?:ing|s)?|exfiltrat\w+|data theft|theft of (?:data|"
                  r"information|intellectual property|records)|siphon\w*",
    "espionage": r"espionage|spy(?:ing|ware)?|spied|surveil\w*|intelligence[- ]gathering|"
                 r"monitor(?:ed|ing) (?:communications|emails|activists|journalists)|"
                 r"eavesdrop\w*|cyberespionage|backdoors?|implants?|"
                 r"(?:access|accessed|read) (?:e-?mails?|email accounts|networks)",
    "disruption": r"disrupt\w*|outages?|offline|shut(?:ting)? down|paralys\w+|paralyz\w+|"
                  r"crippl\w+|knocked out|took down|taken down|unavailable|service interruption"
                  r"|suspend(?:ed)? (?:services|operations)|ransomware",
    "sabotage": r"sabotag\w+|physical (?:damage|effects?|assets)|explosion|industrial control|"
                r"\bICS\b|SCADA|control systems?|power (?:grid|outage|cut|stations?|plants?|"
                r"distribution)|(?:electrical |power )?substations?|electric(?:al|ity)? "
                r"(?:grid|utilit\w+|distribution)|water (?:pumps?|treatment|supply|utilit\w+|"
                r"facilit\w+|systems?)|blackout|centrifuges|steel (?:plant|mill)s?|"
                r"fire at|fuel (?:stations|pumps)|safety instrumented",
    "financial-theft": r"(?:stole|steal|steals|theft of|stealing|heist|siphon\w*) (?:\w+ ){0,3}?"
                       r"(?:\$|US\$|\d|millions|money|funds|cryptocurrenc\w+|crypto|bitcoin)|"
                       r"(?:bank|cyber|cyber-|online|crypto) ?heists?|"
                       r"fraudulent (?:transfers|transactions|trades)|SWIFT|"
                       r"cryptocurrency theft|financial (?:theft|gain)|"
                       r"(?:rais\w+|generat\w+|earn\w*|turn(?:ing)?) (?:a )?(?:money|revenue|"
                       r"funds|profits?|income)|for profit|crypto-?mining|cryptojacking",
    "hijacking": r"hijack\w*|took control of|takeover of|account takeovers?|"
                 r"(?:took|take|takes|taking) over (?:\w+ ){0,3}?(?:e-?mail |social media |"
                 r"Twitter |Facebook )?accounts",
    "influence-operation": r"influence operation|disinformation|propaganda|fake news|"
                           r"election interference|interfere\w* (?:in|with) (?:the )?elections?|"
                           r"troll farm|information operation|influence campaign|"
                           r"influence (?:the |an? )?(?:\w+ ){0,2}elections?|meddl\w+|"
                           r"fake (?:story|stories|quotes?|statements?|reports?|remarks)|"
                           r"false (?:story|stories|quotes?|statements?|remarks)",
}
#: "the wiper masqueraded as ransomware": a disguise, not the kind of the operation.
FAKE_RANSOMWARE_RE: Final = compile_ci(
    r"\b(?:masquerad\w+|pos(?:ed|es|ing)|disguised|dressed up|fake|faux|pseudo|decoy)\s+"
    r"(?:as\s+)?(?:a\s+)?ransomware|ransomware\s+(?:as\s+a\s+)?(?:decoy|smokescreen|cover)")
#: Intrusion tradecraft: an operation known only by it is, by default, espionage.
INTRUSION_RE: Final = compile_ci(
    r"\b(?:spear[- ]?phishing|phishing|credential\w*|remote access|RATs?|trojan\w*|keylog\w*|"
    r"malware|watering[- ]hole|(?:gain|gained|obtain\w*) access|infiltrat\w+|compromis\w+|"
    r"break into|broke into|breach\w*|intrusions?)\b")
KIND_RES: Final = {k: compile_ci(r"\b(?:" + v + r")\b")
                   for k, v in KIND_CUES.items()}

#: A phrase that makes a sentence part of a cyber story, so generic "attack" counts.
CYBER_CONTEXT_RE: Final = compile_ci(
    r"\b(cyber\w*|hack\w*|malware|ransomware|wiper|spyware|ddos|denial[- ]of[- ]service|"
    r"phishing|backdoor|breach\w*|intrusion\w*|threat actors?|APT\s?\d+|exploit\w*|"
    r"networks?|servers?|websites?|e-?mail accounts?|computers?|systems|espionage|"
    r"digital|online|data)\b"
)

# --- targets and attackers --------------------------------------------------------------------
#: Words right before a country that mark it as the object of an operation.
TARGET_CUE_RE: Final = compile_ci(
    r"\b(against|targeting|targeted|targets|target|on|at|in|into|of|hit|struck|breached|hacked|"
    r"compromised|affecting|disrupting|infiltrated|penetrated|attacked|victims? in|"
    r"entities in|organi[sz]ations in|across)\s+(?:the\s+|a\s+|an\s+|several\s+|multiple\s+|"
    r"numerous\s+|various\s+|some\s+|many\s+|dozens of\s+|hundreds of\s+|all\s+|"
    r"(?:nearly\s+|almost\s+|about\s+|some\s+|more\s+than\s+)?(?:half|most|millions|"
    r"thousands|hundreds|tens of millions)\s+of\s+(?:all\s+|the\s+)?)?"
    # "on NATO ally Albania", "against neighbouring Georgia", "on fellow member Estonia"
    r"(?:(?:(?:NATO|EU|U\.?S\.?|American|Western|close|key|fellow|neighbo(?:u)?ring|"
    r"tiny|small|Baltic|Gulf|Balkan)\s+)*(?:ally|allies|member|neighbou?r|state|nation|"
    r"country|partner)\s+)?"
    # "aimed at countries such as Turkey", "in nations including Jordan"
    r"(?:(?:[\w-]+\s+)?(?:countries|nations|states|places|regions)\s*,?\s+(?:such\s+as|"
    r"including|like|included|include|includes|were|are)\s+)?$"
)
#: Nouns a demonym modifies when it names the victim ("Albanian government websites").
VICTIM_NOUNS: Final = (
    "e-services", "e-government", "portal", "portals",
    "government", "governments", "ministry", "ministries", "agency", "agencies", "websites",
    "website", "networks", "network", "systems", "system", "companies", "company", "firms",
    "banks", "bank", "infrastructure", "officials", "journalists", "dissidents", "activists",
    "embassy", "embassies", "police", "parliament", "military", "army", "navy", "entities",
    "organizations", "organisations", "institutions", "targets", "users", "citizens",
    "politicians", "diplomats", "energy", "power", "utilities", "utility", "grid", "media",
    "news", "telecommunications", "telecom", "election", "elections", "state", "public",
    "defense", "defence", "critical", "universities", "hospitals", "health", "financial",
    "oil", "gas", "nuclear", "computer", "email", "e-mail", "individuals", "organization",
    "people", "businesses", "sectors", "sector", "airports", "ports", "railway", "national",
    "federal", "central", "foreign", "interior", "security", "opposition", "human",
    "religious", "ethnic", "minorities", "think", "researchers", "scientists", "officials'",
    "servers", "accounts", "service", "services", "authorities", "parliamentarians",
    "lawmakers", "candidates", "campaign", "party", "nationals", "firms'", "petroleum",
    "steel", "shipping", "water", "satellite", "broadband", "television", "tv", "banking",
    "tanks", "facilities", "plants", "contractors", "students", "academics", "experts",
    "employees", "staff", "personnel", "defectors", "exchanges", "stations", "devices", "phones",
    "computers", "institutes", "manufacturers", "providers", "departments", "offices",
    "officers", "soldiers", "troops", "voters", "ministers", "leaders", "residents",
    "organisation", "newspapers", "outlets", "broadcasters", "hotels", "airlines", "industry",
    "industries", "firm", "institution", "university", "hospital", "operators'",
)
#: Nouns a demonym or country modifies when it names the operator ("Iranian hackers").
ATTACKER_NOUNS: Final = (
    "hackers", "hacker", "hacking group", "hacking groups", "hacking team", "threat actor",
    "threat actors", "threat group", "threat groups", "actor", "actors", "cyber actors",
    "apt", "apt group", "apt groups", "operatives", "spies", "intelligence services",
    "intelligence service", "intelligence agency", "intelligence agencies", "military intelligence",
    "cyber army", "cyber unit", "cyber units", "cyber command", "state-sponsored",
    "state sponsored",
    "state-backed", "state backed", "state-linked", "government-backed", "government-linked",
    "government hackers", "military hackers", "cyber spies", "cyberspies", "group", "groups",
    "operators", "attackers", "adversaries", "nation-state", "cybercriminals", "agents",
    "espionage group", "espionage groups", "cyberespionage group", "intrusion set",
    "persona", "hacktivists", "hacktivist", "cyber criminals", "military", "government",
)
#: After "<country>-": an affiliation that makes the country the suspected sponsor.
AFFILIATION_SUFFIX_RE: Final = compile_ci(
    r"^[- ]?(linked|backed|sponsored|affiliated|aligned|based|nexus|connected|tied|supported|"
    r"directed|controlled|associated|allied|origin|state-sponsored)\b"
)
#: Before a country: phrases that make it the operator or sponsor.
SPONSOR_CUE_RE: Final = compile_ci(
    r"\b(?P<cue>by|from|on behalf of|in support of|working for|linked to|tied to|work of|"
    r"(?:hackers|operatives|agents|spies) (?:for|of)|"
    r"at the (?:request|behest|direction|orders?) of|"
    r"(?:a |with a |with )?(?:connection|connections|links|ties) (?:to|with)|nexus to|"
    r"backed by|sponsored by|affiliated with|connected to|associated with|operating from|"
    r"based in|groups? in|actors? in|hackers in|operators in|believed to be|thought to be|"
    r"suspected to be|originating (?:in|from)|attributed (?:it |the attack |the attacks |"
    r"the operation |the intrusion |the hack )?to|blamed(?: it| the attack| the attacks)? on|"
    r"behind)\s+(?:the\s+)?(?P<gap>(?:[\w-]+\s+){0,2}?)$"
)
#: Sponsor cues that need an operator or an operation as their subject ("hackers linked to").
AFFILIATION_CUES: Final = frozenset({
    "linked to", "tied to", "connected to", "associated with", "affiliated with", "backed by",
    "sponsored by", "working for", "worked for", "works for", "work for", "on behalf of",
    "based in", "operating from",
    "at the request of", "at the behest of", "at the direction of", "at the order of",
    "at the orders of",
})
#: Words that may not sit between a sponsor cue and the state ("by Tehran against Albania").
GAP_STOP_RE: Final = compile_ci(
    r"\b(?:against|targeting|targeted|on|in|at|into|of|and|with|over|after|before|that|which|"
    r"to|for|as|outside|beyond|abroad|\w+ing|\w+ed)\b"
)

# --- claims -----------------------------------------------------------------------------------
#: Verbs by which a source makes a statement ("X said", "X concluded").
SPEECH_VERBS: Final = (
    "said", "says", "say", "stated", "states that", "concluded", "concludes", "noted", "notes",
    "claimed", "claims", "announced", "announces", "told", "reported", "assessed", "assesses",
    "believes", "found that", "finds that", "determined", "alleged", "alleges", "accused",
    "accuses", "blamed", "blames", "attributed", "attributes", "confirmed", "confirms",
    "warned", "warns", "wrote", "writes", "added", "argued", "insisted", "insists", "asserted",
    "declared", "revealed", "disclosed", "identified", "indicated", "suggested", "explained",
    "estimated", "judged", "judges", "calls for", "called for", "called on", "described",
    "charged", "observed", "tweeted", "condemned", "denied", "rejected", "dismissed",
    "released a statement", "issued a statement", "published a report", "concluded that",
    # present plural and further reporting verbs of news ("US officials believe", "South
    # Korean officials suspect", "the government admitted that")
    "believe", "believed that", "suspect", "suspects", "admitted", "admits", "acknowledged",
    "acknowledges", "assess", "conclude", "blame", "accuse", "attribute", "allege", "think",
    "thinks", "maintain", "maintains", "contend", "contends", "agreed", "agree", "agrees",
    "pointed the finger", "points the finger", "testified", "stressed", "reiterated",
    # a participle clause of the subject's own speech ("FireEye assessing with high
    # confidence that ...", "..., saying Russia was behind it")
    "saying", "assessing", "concluding", "alleging", "noting", "adding", "stating",
)
#: Words right before a verb that make it no speech: "X is reported to have", "Y was accused of"
#: (the subject of a passive is not the speaker), "the claims", "United States".
_NOT_SPEECH_AFTER: Final = (r"\ban", r"\bthe", r"\ba", r"\bis", r"\bwas", r"\bare", r"\bwere",
                            r"\bbeen", r"\bbe", "United", "Baltic", "Gulf")


def _not_after(words: tuple[str, ...]) -> str:
    """Negative look-behinds for "<word> " before the match, one per width (``re`` needs a
    fixed width in each): fewer assertions to try at each position than one per word."""
    by_width: dict[int, list[str]] = {}
    for w in words:
        by_width.setdefault(len(w.replace(r"\b", "")) + 1, []).append(w + " ")
    return "".join(f"(?<!{'|'.join(ws)})" for _n, ws in sorted(by_width.items()))


SPEECH_RE: Final = compile_ci(
    # a word start with a verb's first letter first: it fails fast where no verb can start
    r"\b(?=[" + "".join(sorted({w[0] for w in SPEECH_VERBS})) + r"])"
    + _not_after(_NOT_SPEECH_AFTER) + r"(?:" + _alt(SPEECH_VERBS) + r")\b"
)
ACCORDING_TO_RE: Final = compile_ci(r"\b(?:according to|per|citing|cited by)\s+(?:the\s+)?$")
#: A hypothesis, motive or question rather than a claim: a word of these (``kinds.speculative``
#: reads both patterns; one pattern of both would try the question at every position).
SPECULATIVE_WORD_RE: Final = compile_ci(
    r"\b(could|might|would|motivations?|motives?|reasons? to|why|whether|if|can be seen|"
    r"may have|may be|possibility|hypothes\w+|speculat\w+)\b"
)
#: ... or a question: it ends on a word ("Was Iran behind it?"); "systems.?" and "Korea??" are
#: characters lost to a lossy encoding.
QUESTION_END_RE: Final = compile_ci(r"(?<=[\w\"”’)])(?<!\?)\?\s*$")
SELF_CLAIM_RE: Final = compile_ci(
    r"\b(claim(?:ed|s|ing)? (?:credit|responsibility)|(?:take|takes|took|taking) "
    r"(?:credit|responsibility)|claimed (?:the|it|that it)|claim(?:ed|s|ing)? to have|"
    r"claim(?:ed|s)? (?:the )?(?:attack|hack|operation)|boasted|"
    r"said it (?:was|had) (?:behind|responsible)|"
    # a group or a hacker speaking of its own act: "X says he released the files"
    r"(?:said|says|claimed|claims) (?:that )?(?:he|she|they|we) (?:had |has |have )?"
    r"(?:hacked|stole|leaked|released|attacked|breached|carried out|launched|took down|"
    r"defaced|dumped|published))\b"
)
DENIAL_RE: Final = compile_ci(
    r"\b(den(?:y|ied|ies|ying)|denial(?![- ]of[- ]service)|reject(?:ed|s|ing)?|"
    r"dismiss(?:ed|es|ing)?|refut(?:ed|es|e)|"
    r"baseless|unfounded|groundless|fake|fabricat\w+|false accusations?|false allegations?|"
    r"no evidence|slander\w*|smear|absurd|nonsense|russophob\w+|politically motivated|"
    r"(?:was|were|is|are|had been|has been|have been)(?:n't|\s+not|\s+never)\s+involved|"
    r"(?:had|has|have)\s+nothing\s+to\s+do\s+with|(?:does|do|did)(?:n't|\s+not)\s+"
    r"(?:engage|take part|participate)\s+in|"
    # "the UAE had no role whatsoever in", "played no part in"
    r"(?:had|has|have|played|plays|took)\s+no\s+(?:role|part|involvement)|"
    # "any allegations it was involved ... are irresponsible"
    r"(?:allegations?|accusations?|claims?)\b(?:[^.;]|(?<=[A-Z])\.|\.(?=\w)){0,120}?\b(?:is|are|was|were)\s+"
    r"(?:irresponsible|unfounded|baseless|groundless|false|untrue|absurd|ridiculous|"
    r"unsubstantiated|nonsense|fabricated)|(?:irresponsible|unprofessional)\s+and\s+"
    r"(?:unscientific|groundless|baseless|unprofessional|irresponsible)|"
    # a state's formula of denial: "China firmly opposes all forms of hacking", "is itself a
    # victim of cyberattacks", "a staunch defender of cybersecurity"
    r"(?:firmly\s+|resolutely\s+|strongly\s+)?oppos(?:es|ed|e)\s+(?:all\s+(?:forms|kinds)\s+of\s+)?"
    r"(?:hacking|cyber[- ]?attacks?|cyber[- ]?crime)|(?:is|was|are)\s+(?:itself\s+|also\s+)?"
    r"(?:a|one\s+of\s+the)\s+(?:major\s+|main\s+|biggest\s+)?victims?\s+of\s+"
    r"(?:hacking|cyber[- ]?attacks?)|staunch\s+defender\s+of\s+cyber[- ]?security)\b"
)
DENIAL_OBJECT_RE: Final = compile_ci(
    r"\b(accusations?|allegations?|claims?|charges?|attributions?|involvement|responsibility|"
    r"reports?|assertions?|blame|role|any part|attacks?|hacking|"
    r"cyberattacks?|participation|link)\b"
)
#: Stated analytic confidence: "with moderate confidence", "high confidence", "low-confidence".
CONFIDENCE_RE: Final = compile_ci(
    r"\b(?:with\s+)?(?P<level>low|moderate|medium|high)(?:[- ]to[- ](?P<level2>moderate|medium|"
    r"high))?[- ]confidence\b"
)
LIKELIHOOD_RE: Final = compile_ci(
    r"\b(?P<term>almost no chance|remote(?:ly)? (?:likely|possible)|very unlikely|highly "
    r"improbable|highly unlikely|roughly even (?:chance|odds)|even chance|highly probable|"
    r"highly likely|very likely|almost certainly|almost certain|nearly certain(?:ly)?|"
    r"improbabl[ey]|probabl[ey]|unlikely|likely)\b"
)

# --- responses --------------------------------------------------------------------------------
RESPONSE_CUES: Final[dict[str, str]] = {
    "sever-relations": r"(?:cut|cuts|cutting|sever\w*|broke|break|breaks|breaking|end(?:ed|s|ing)?|"
                       r"suspend\w*|rupture\w*)\s+(?:off\s+)?(?:all\s+)?(?:its\s+|their\s+)?"
                       r"(?:diplomatic\s+)?(?:ties|relations)|severance of (?:diplomatic )?"
                       r"(?:ties|relations)",
    "expel-diplomats": r"expel\w*|expulsion|ordered(?= (?:\w+ ){0,4}(?:diplomats|embassy staff|"
                       r"staff|personnel|officials) to leave)|"
                       r"declared(?= (?:\w+ ){0,3}persona non grata)|"
                       r"(?:gave|given|giving)(?= (?:[\w-]+ ){1,8}?(?:hours|days) to "
                       r"(?:[\w-]+ ){0,4}?leave)|"
                       r"persona non grata",
    "recall-ambassador": r"recall\w* (?:its |their |the )?ambassador",
    "summon-ambassador": r"summon\w*(?= (?:\S+ ){0,3}(?:ambassador|envoy|charg[eé] d'affaires|"
                         r"diplomat))|summoned(?= to (?:the )?(?:\S+ ){0,3}(?:foreign|ministry))",
    "sanction": r"sanction(?:ed|s|ing)?|asset freezes?|froze (?:the )?assets|blacklist\w*|"
                r"designat(?:ed|ion|ing) (?:\w+ ){0,3}(?:under|for)|"
                r"designat(?:ed|e|es|ing)(?= (?:[\w-]+ ){0,4}(?:entities|individuals|officials|"
                r"companies|firms|persons|organi[sz]ations|officers))|export controls|"
                r"entity list|visa bans?|travel bans?",
    "indict": r"indict\w*|charg(?:ed|es|ing)(?= (?:\S+ ){0,6}(?:with|for|over)\b)|"
              r"criminal charges|"
              r"unsealed (?:\w+ ){0,3}(?:charges|indictment)|wanted (?:posters?|notices?)|"
              r"(?:announced|brought|filed) (?:\w+ ){0,2}charges against|"
              r"put(?= (?:\S+ ){1,6}on (?:the |a |an )?(?:\w+ )?wanted list)|"
              r"(?:international |European )?arrest warrants?",
    "arrest": r"arrest(?!\s+warrants?)\w*|detain\w*|extradit\w*",
    "condemn": r"condemn\w*|denounc\w*|deplor\w*|criticis\w+|criticiz\w+|protest(?:ed|s)?",
    "accuse": r"accus\w+|blam(?:ed|es|ing)|held (?:\w+ ){0,2}responsible|hold (?:\w+ ){0,2}"
              r"(?:responsible|accountable)|held accountable|be held accountable|"
              r"attributed (?:\w+ ){0,5}to",
    "investigate": r"launched (?:an |a )?(?:investigation|inquiry|probe)|opened (?:an |a )?"
                   r"(?:investigation|inquiry|probe)|investigating|(?:continues?|continued|"
                   r"began|begun|began|started) to investigate|"
                   r"set up (?:a |an )?(?:\w+ )?(?:commission|task force|inquiry) to investigate",
    "cyber-retaliation": r"retaliat\w+ (?:with|in) (?:a )?cyber|counter-?attack\w*|"
                         r"hack[- ]back|offensive cyber operations? against",
    "assist": r"(?:sent|send|sends|deployed|dispatched|provid\w+|offer\w*|gave|give)\s+"
              r"(?:\w+\s+){0,3}(?:assistance|support|help|experts|team|teams|specialists|aid)|"
              r"assisted|assisting|is helping|helped",
}
RESPONSE_RES: Final = {
    k: compile_ci(r"\b(?:" + v + r")\b") for k, v in RESPONSE_CUES.items()
}
#: Any response cue: one scan tells whether a sentence holds one at all (most do not), before
#: each action's own pattern is searched.
RESPONSE_ANY_RE: Final = compile_ci(r"\b(?:" + "|".join(RESPONSE_CUES.values()) + r")\b")


# --- page furniture ---------------------------------------------------------------------------
#: A line that starts a web page's trailing navigation ("Previous", "Related articles"):
#: what follows it is other articles' headlines, not this article's claims.
NAVIGATION_LINE_RE: Final = re.compile(
    r"^\s*(?:previous|next|previous post|next post|related(?: articles| posts| stories)?|"
    r"read more|more from .{0,40}|share this(?: article)?|you may also like|recommended|"
    r"most read|further reading|tags?:.*)\s*$",
    re.IGNORECASE | re.MULTILINE,
)


#: The cue of a response told in the passive ("were indicted"): its target is the accused's own.
PASSIVE_CUE_RE: Final = compile_ci(r"(?:is|was|were|are|been|be|being)\s")
#: Verbal responses read in the passive only where the text names who spoke ("was blamed by
#: the UK's Security Minister"): without an agent, "North Korea was blamed" says nothing of who.
VERBAL_PASSIVE_ACTIONS: Final = frozenset({"accuse", "condemn"})

#: Words that name criminals as an operation's authors, or a criminal's use of what was stolen.
CRIMINAL_RE: Final = compile_ci(
    r"\b(?:(?:cyber)?criminals?|crime\s+(?:gang|group|ring)s?|gangs?|fraudsters?|"
    r"extort\w*|blackmail\w*|hacktivists?|dark\s*web|underground\s+(?:forum|market)s?|"
    r"(?:put|offered|listed|sold)\s+(?:up\s+)?for\s+sale|carders?)\b")
