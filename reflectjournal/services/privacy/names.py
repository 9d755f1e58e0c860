"""Patients' and relatives' names in reflective prose.

Reflections name colleagues all the time ("Priya's presentation", "Mr Brennan, the consultant
urologist"), so a capitalised word is never enough. A name is reported when something around it
says it is a patient's or a relative's:

- a patient's title: Mr, Mrs, Ms, Miss, Mx, Master ("Mrs Doreen Whitcombe", "Mr Khan's
  daughter"), unless a staff role stands beside it ("Mr Brennan, the consultant urologist",
  "our chief executive, Mrs Ng", "Mr Achebe's theatre list");
- a patient or relative word before it: "patient Arthur Bellingham", "Baby Amelia",
  "her daughter Karen", "his wife Maureen", "a gentleman called Walter Price" (not "my
  daughter…", not "Patient Safety", "Baby Friendly" or "Patient A");
- a possessive before a clinical or family word: "Doreen's husband", "Ahmed's discharge";
- an age beside it: "Mrs McAllister, 88,", "Walter Price (91)".

Titles that belong to staff or public life (Dr, Professor, Sister, Matron, Sir, Dame, Lord) are
not patients' titles. Names the user marks as fine (colleagues, public figures) are never
reported; names listed as sensitive are found by :mod:`.sensitive` wherever they appear.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from .findings import PRIORITY, Candidate

_L = r"a-zà-öø-ÿāăąćčďēęěğīłńňōőœřśşšţťūůűźżž"
_U = r"A-ZÀ-ÖØ-ÞĀĂĄĆČĎĒĘĚĞĪŁŃŇŌŐŒŘŚŞŠŢŤŪŮŰŹŻŽ"
# One capitalised name word: Khan, O'Connell, McAllister, Szymański, Smith-Jones.
NAME_WORD = rf"[{_U}](?:['’][{_U}])?[{_L}]*[{_U}]?[{_L}]+(?:-[{_U}][{_L}]+)?"
_TITLE = r"(?:Mrs|Mr|Ms|Miss|Mx|Master|Mister)\.?"
_INITIAL = rf"[{_U}]\.?"

# Capitalised words that are not names where names are expected.
STOP_WORDS = frozenset(
    """
    the a an and or but if in on at to for of with from by as is was were be been being are
    he she they we i it his her their our my your its this that these those who what when
    where which why how all any some no not one two three four five six seven eight nine ten
    after before today yesterday tomorrow tonight then there here also just still only again
    monday tuesday wednesday thursday friday saturday sunday january february march april may
    june july august september october november december
    safety experience flow advice liaison participation partner partners leader leaders voice
    voices story stories first zero transport panel council forum reported initiated level
    administration access pathway record records portal care centred centered engagement
    involvement information service services relations choice charter association group day
    week month year survey journey feedback satisfaction outcome outcomes champion champions
    representative representatives education led focused focus tracking tracker list lists
    management affairs support hotel line public hub ambassador ambassadors director team
    teams unit units board friendly loss box boxes bank banks room check checks awareness
    massage boomers steps shower food cafe café bundle pack packs monitor scales feeding blues
    centre center ward wards clinic clinics department trust hospital health nhs network
    programme program project initiative framework policy plan strategy review committee
    meeting report inquiry audit standards standard charter act law bill fund funding
    award awards prize memorial lecture scheme week sim simulation cpr resus doll
    justice speaker secretary minister chair chief executive consultant sister matron nurse
    doctor registrar surgeon manager colleague mentor coach student
    everyone everybody someone somebody nobody anyone children women men people staff family
    patients patient baby babies mum dad son daughter wife husband
    """.split()
)
STAFF_ROLES = (
    r"consultant|surgeon|registrar|doctor|dr|gp|physician|anaesthetist|nurse|matron|sister|"
    r"charge\s+nurse|midwife|midwives|physio|therapist|pharmacist|colleague|colleagues|manager|"
    r"director|chair|chairman|chairwoman|chief|ceo|cfo|coo|cno|cmo|executive|exec|ned|"
    r"non-executive|governor|mentor|coach|coachee|mentee|supervisor|minister|secretary|mp|"
    r"clinical\s+lead|lead\s+nurse|team\s+leader|head\s+of|president|professor|principal|"
    r"inspector|ombudsman|coroner|judge|justice|solicitor|barrister|counsel|porter|"
    r"housekeeper|receptionist|administrator|boss|fy1|fy2|sho|spr|hca|"
    r"band\s+[2-9]|student|trainee|chaplain|interpreter|volunteer|auditor|commissioner|"
    r"speaker|author|presenter|specialist|officer|practitioner|advis[eo]r|guardian|analyst|"
    r"accountant|engineer|technician|scientist|dietitian|paramedic|clinician|fellow|apprentice|"
    r"steward|rep|representative|vicar|reverend|partner\s+(?:governor|organisation)|"
    r"educator|facilitator|tutor|lecturer|examiner|assessor|appraiser|ops\s+manager|"
    r"bed\s+manager|site\s+manager|co-?ordinator|nurse\s+in\s+charge|nic"
)
# Verbs of work done to or for patients: the subject is staff ("Mr Khan discharged her").
_STAFF_VERBS = re.compile(
    r"^\s+(?:(?:also|then|kindly|personally)\s+)?(?:presented|chaired|led|facilitated|taught|"
    r"supervised|mentored|coached|approved|signed\s+off|interviewed|appraised|operated|"
    r"audited|authored|published|announced|prescribed|referred|discharged|admitted|assessed|"
    r"examined|diagnosed|consented|escalated|delegated|rostered|managed|covered|scrubbed|"
    r"anaesthetised|handed\s+over|ward-rounded|chairs|leads|manages|runs|heads|"
    r"teaches|supervises|presents|wrote\s+(?:the|a|our)|gave\s+(?:a|the)\s+(?:talk|"
    r"presentation|lecture)|(?:rang|called|phoned)\s+in\s+sick|(?:is|was|went)\s+(?:off\s+"
    r"sick|on\s+(?:annual\s+|maternity\s+|paternity\s+|sick\s+)?leave)|resigned|"
    r"has\s+resigned|is\s+leaving|retired|was\s+promoted|joined\s+(?:us|the\s+team|the\s+"
    r"trust|the\s+ward)|worked\s+(?:a|the|an)\s+(?:extra\s+)?(?:shift|night|long\s+day)|"
    r"applied\s+for|interviewed\s+for|starts\s+on|started\s+(?:as|on|in|with))(?![A-Za-z])"
)
# Just before a name, a role may carry its field ("director of nursing, Ms Obi") and the
# looser role words are safe ("the safeguarding lead, Mr Hassan").
_STAFF_NEAR_BEFORE = re.compile(
    rf"(?<![A-Za-z])(?:our|my|(?:{STAFF_ROLES}|lead|leads|head|manager|team)s?"
    r"(?:\s+(?:of|for)\s+[A-Za-z&-]+(?:\s+(?:and\s+)?[A-Za-z&-]+)?)?)"
    r"[\s,:()'’-]*(?:the\s+|our\s+|my\s+)?$",
    re.IGNORECASE,
)
_STAFF_AFTER = re.compile(
    rf"^(?:['’]s)?\s*[,(–—-]\s*(?:the\s+|our\s+|my\s+|a\s+|an\s+|who\s+is\s+(?:the\s+|our\s+|a\s+)?)?"
    rf"(?:[A-Za-z-]+\s+){{0,3}}?(?:{STAFF_ROLES})s?(?![A-Za-z])",
    re.IGNORECASE,
)
_STAFF_POSSESSIONS = re.compile(
    r"^['’]s\s+(?:[a-z-]+\s+)?(?:clinic|clinics|list|lists|theatre|firm|team|ward\s+round|"
    r"round|registrar|secretary|patients|rota|presentation|slides|talk|paper|report|judgment|"
    r"judgement|speech|letter|email|office|leadership|style|book|review|feedback|appraisal|"
    r"mentoring|coaching|session|course|lecture|committee|department|service|trust|board|"
    r"memorial|prize|award|law|act|sign|test|disease|syndrome)(?![A-Za-z])",
)
_NOT_PATIENT_TITLES_BEFORE = re.compile(r"(?<![A-Za-z])(?:the|a)\s+$", re.IGNORECASE)
_NAMED_THING = re.compile(
    r"['’]?s?\s+(?:memorial|prize|award|lecture|fund|building|wing|ward|unit|centre|suite|"
    r"scholarship|fellowship|foundation|report|review|inquiry|rule|principle|test|effect)\b",
    re.IGNORECASE,
)

_TITLED = re.compile(
    rf"(?<![A-Za-z])(?P<title>{_TITLE})\s+"
    rf"(?P<name>(?:{_INITIAL}\s+)?{NAME_WORD}(?:\s+{NAME_WORD}){{0,2}})"
)
_RELATIVE_WORDS = (
    r"daughter|son|wife|husband|partner|mum|mother|dad|father|brother|sister|grandson|"
    r"granddaughter|grandmother|grandfather|gran|granny|grandma|grandad|grandpa|nan|nana|"
    r"aunt|auntie|uncle|niece|nephew|widow|widower|carer|fiancée?|stepson|stepdaughter|"
    r"stepmother|stepfather|twin|cousin|neighbour|friend|next\s+of\s+kin|nok"
)
# Case-sensitive alternations are several times faster than (?i:…) on every position.
_PATIENT_WORDS = (
    r"[Pp]atient|[Pp]t|[Rr]esident|[Ss]ervice\s+user|[Cc]lient|[Bb]aby|BABY|[Ii]nfant|"
    r"[Tt]oddler|[Ll]ittle|[Yy]oung"
)
# Kinship used as a title ("Nana Joan", "Uncle Ray"); never "Sister", which is a nurse.
_KIN_TITLES = r"Nana|Nan|Nanna|Gran|Granny|Grandma|Grandad|Grandpa|Auntie|Aunty|Aunt|Uncle"
_CALLED_WORDS = (
    r"gentleman|man|lady|woman|boy|girl|child|baby|patient|resident|person|chap|fellow|"
    r"old\s+man|old\s+lady|elderly\s+(?:man|lady|woman)|year-old|teenager"
)
_NAMES = rf"(?P<name>{NAME_WORD}(?:\s+{NAME_WORD}){{0,2}})"
_AFTER_WORD = re.compile(
    rf"(?<![A-Za-z])(?P<word>(?:{_RELATIVE_WORDS})|{_PATIENT_WORDS}|{_KIN_TITLES})"
    rf",?\s+(?:(?:called|named|known\s+as)\s+)?{_NAMES}"
)
# "Her name was Betty", "he goes by Dolly".
_NAME_IS = re.compile(
    rf"(?<![A-Za-z])(?:(?:[Hh]er|[Hh]is|[Tt]heir)\s+(?:first\s+)?name\s+(?:was|is)|"
    rf"(?:goes|went)\s+by|calls\s+(?:herself|himself|themselves))\s+{_NAMES}"
)
# These three are found from their right-hand side (a rare anchor), then the name before it.
_CALLED = re.compile(rf"(?<![A-Za-z])(?:called|named|known\s+as)\s+{_NAMES}")
_OWN_BEFORE = re.compile(r"(?<![A-Za-z])(?:[Mm]y|[Oo]ur)\s+$")
_CALLED_BEFORE = re.compile(rf"(?<![A-Za-z])(?i:{_CALLED_WORDS})\s+(?:[a-z-]+\s+){{0,2}}?$")
_CLINICAL = (
    r"daughter|daughters|son|sons|wife|husband|partner|family|relatives|relative|mum|mother|"
    r"dad|father|sister|brother|grandson|granddaughter|grandchildren|carer|carers|children|"
    r"kids|parents|next\s+of\s+kin|nok|bed|bedside|notes|records|chart|obs|observations|"
    r"discharge|admission|transfer|diagnosis|prognosis|scan|bloods|results|medication|meds|"
    r"drugs|fall|falls|pressure\s+(?:ulcer|sore|damage)|wound|pain|dementia|delirium|cancer|"
    r"tumour|condition|death|funeral|care\s+plan|treatment|operation|surgery|biopsy|labour|"
    r"birth|delivery|baby(?!\s+shower)|feeds?|safeguarding|dnacpr|resuscitation|end\s+of\s+life|capacity|"
    r"cannula|catheter|oxygen|sats|stroke|sepsis|fracture|hip|leg|arm|heart|breathing|"
    r"swallow|mobility|frailty|bay|side\s+room|room|trolley|wheelchair|ambulance|gp|allergy|"
    r"allergies|infection|mrsa|covid|chemo|chemotherapy|dialysis|ventilator|cpap|stoma"
)
_POSSESSIVE = re.compile(rf"['’]s\s+(?:(?:[a-z-]+|[0-9]+-year-old)\s+)?(?:{_CLINICAL})(?![A-Za-z])")
_AGED = re.compile(
    r"\s*(?:,\s*(?:aged\s+)?[0-9]{1,3}\s*,|\(\s*(?:aged\s+)?[0-9]{1,3}\s*\)"
    r"|,\s+(?:an?\s+)?[0-9]{1,3}[- ]year[- ]old|,\s+aged\s+[0-9]{1,3})"
)
# "Maureen (daughter)", "Karen Ellis (her niece)".
_RELATIVE_IN_BRACKETS = re.compile(
    rf"\s*\(\s*(?:his\s+|her\s+|their\s+|the\s+patient['’]s\s+)?(?:{_RELATIVE_WORDS})"
    r"(?:\s*[,;/]\s*[^)]{0,30})?\)"
)
_BARE_COUNT = re.compile(r"\s*\(\s*(?![0-9]{2,3}\s*\))|\s*\(\s*(?:[0-9]|1[0-5])\s*\)")
_NAME_BEFORE = re.compile(rf"(?<![A-Za-z'’])(?P<name>{NAME_WORD}(?:\s+{NAME_WORD}){{0,2}})$")
_NAME_BEFORE_POSSESSIVE = re.compile(rf"(?<![A-Za-z'’])(?P<name>{NAME_WORD}(?:\s+{NAME_WORD})?)$")


# "bed 6, John Smith", "in bay 3 Mrs …" (titles are found by the first rule anyway).
_BED = re.compile(
    rf"(?<![A-Za-z])(?:[Bb]ed|[Bb]ay|[Ss]ide\s+room|[Cc]ubicle|[Tt]rolley)\s+[0-9]{{1,3}}[A-Za-z]?"
    rf"\s*(?:,|:|\(|–|-|was|is)?\s*{_NAMES}"
)
# Care given to someone: "I sat with Doreen Whitcombe", "we nursed Elsie".
_CARED_FOR = re.compile(
    rf"(?<![A-Za-z])(?:sat\s+with|nursed|resuscitated|cared\s+for|comforted|washed|bathed|"
    rf"fed|turned|cannulated|catheterised|intubated|sedated|triaged|restrained|"
    rf"admitted|discharged|transferred|readmitted|bleeped\s+about|held\s+the\s+hand\s+of)"
    rf"\s+{_NAMES}"
)
# What happens to patients: "Arthur Price died", "Doreen Whitcombe was admitted".
_PATIENT_VERBS = re.compile(
    r"^\s+(?:had\s+)?(?:died|passed\s+away|was\s+(?:admitted|readmitted|discharged|"
    r"transferred|intubated|resuscitated|sectioned|found\s+on\s+the\s+floor|brought\s+in|"
    r"conveyed|triaged|diagnosed|declared|pronounced|moved\s+to\s+(?:a\s+)?side\s+room)|"
    r"deteriorated|arrested|fell(?:\s+(?:twice|again|in|on|out|from|and))|"
    r"had\s+a\s+(?:fall|stroke|seizure|fit|cardiac\s+arrest|heart\s+attack))(?![A-Za-z])"
)
_PATIENT_VERB_ANCHOR = re.compile(_PATIENT_VERBS.pattern[1:])
_TWO_NAMES_BEFORE = re.compile(rf"(?<![A-Za-z'’])(?P<name>{NAME_WORD}(?:\s+{NAME_WORD}){{1,2}})$")


_NOT_A_NAME_SUFFIX = re.compile(r"(?:ship|ment|ness|tion|sion|ity|ism|ology|ics)$")


def _name_span(m: re.Match[str]) -> tuple[int, int] | None:
    """The name group trimmed of stop words at either end; None when nothing is left."""
    start, end = m.span("name")
    words = list(re.finditer(r"\S+", m.group("name")))
    while words and words[-1].group().casefold() in STOP_WORDS:
        words.pop()
    if not words or words[0].group().casefold() in STOP_WORDS:
        return None
    if any(_NOT_A_NAME_SUFFIX.search(w.group()) for w in words):
        return None  # "Compassionate Leadership", "Patient Engagement"
    return start, start + words[-1].end()


_FROM_DEPARTMENT = re.compile(
    r"^\s+(?:from|in|of|at)\s+(?:the\s+)?(?:estates|finance|hr|it|pharmacy|procurement|payroll|"
    r"facilities|portering|housekeeping|catering|security|comms|communications|governance|"
    r"legal|audit|workforce|education|occupational\s+health|switchboard|medical\s+records|"
    r"ccg|icb|ics|cqc|nhse|nhsi|nhs\s+england|hee|gmc|nmc|hcpc|csu|lmc|rcn|rcm|unison|bma|"
    r"hsib|hssib|phso|council|local\s+authority|social\s+services|deanery|royal\s+college|"
    r"[A-Za-z]+\s+team|[A-Z][A-Za-z]+\s+(?:trust|university|council|hospital))(?![A-Za-z])",
    re.IGNORECASE,
)


def _staff_beside(text: str, start: int, end: int) -> bool:
    if _STAFF_NEAR_BEFORE.search(text, max(0, start - 30), start):
        return True
    after = text[end : end + 70]
    return bool(
        _STAFF_AFTER.match(after)
        or _STAFF_POSSESSIONS.match(after)
        or _STAFF_VERBS.match(after)
        or _FROM_DEPARTMENT.match(after)
    )


def patient_names(text: str, has_digit: bool = True) -> Iterable[Candidate]:
    """Every rule above; ``has_digit`` False skips those that need a number (ages, beds)."""
    priority = PRIORITY["patient-name"]
    for m in _TITLED.finditer(text):
        words = list(re.finditer(r"\S+", m.group("name")))
        while words and words[-1].group().casefold() in STOP_WORDS:
            words.pop()
        if not words or words[0].group().casefold() in STOP_WORDS:
            continue
        if all(len(w.group().rstrip(".")) == 1 for w in words):
            continue  # "Mr T" is already anonymised
        start, end = m.start("title"), m.start("name") + words[-1].end()
        if _staff_beside(text, start, end) or _NAMED_THING.match(text, end):
            continue
        if _NOT_PATIENT_TITLES_BEFORE.search(text, max(0, start - 5), start):
            continue  # "the Mrs Fairweather prize"
        yield "patient-name", start, end, priority
    for m in _AFTER_WORD.finditer(text):
        word = m.group("word").lower()
        relative = re.fullmatch(_RELATIVE_WORDS, word) is not None
        if relative and _OWN_BEFORE.search(text, max(0, m.start() - 5), m.start()):
            continue  # "my daughter Lucy" is the writer's own family
        span = _name_span(m)
        if span is None or _staff_beside(text, *span):
            continue
        yield "patient-name", *_with_title_word(text, m, span), priority
    for pattern in (_BED, _CARED_FOR, _NAME_IS) if has_digit else (_CARED_FOR, _NAME_IS):
        for m in pattern.finditer(text):
            span = _name_span(m)
            if span is None or _staff_beside(text, *span) or _title_before(text, span[0]):
                continue
            yield "patient-name", span[0], span[1], priority
    for verb in _PATIENT_VERB_ANCHOR.finditer(text):
        named = _TWO_NAMES_BEFORE.search(text, max(0, verb.start() - 60), verb.start())
        if named is None:
            continue  # one capitalised word before "deteriorated" is as often "Morale"
        span = _name_span(named)
        if span is None or _staff_beside(text, *span) or _title_before(text, span[0]):
            continue
        yield "patient-name", span[0], span[1], priority
    for m in _CALLED.finditer(text):
        if not _CALLED_BEFORE.search(text, max(0, m.start() - 40), m.start()):
            continue
        span = _name_span(m)
        if span is not None and not _staff_beside(text, *span):
            yield "patient-name", span[0], span[1], priority
    anchors = [(_POSSESSIVE, _NAME_BEFORE_POSSESSIVE), (_RELATIVE_IN_BRACKETS, _NAME_BEFORE)]
    anchors += [(_AGED, _NAME_BEFORE)] * has_digit
    for anchor, before in anchors:
        for a in anchor.finditer(text):
            if anchor is _AGED and _BARE_COUNT.match(a.group()):
                # "Walter Price (91)" is an age; "Resilience (1)" and "Team Leads (12)" are
                # counts: a bare number in brackets needs a first name and surname and an age.
                before = _TWO_NAMES_BEFORE
            named = before.search(text, max(0, a.start() - 60), a.start())
            if named is None:
                continue
            span = _name_span(named)
            if span is None or _staff_beside(text, *span) or _title_before(text, span[0]):
                continue  # a titled name is reported with its title by the first rule
            yield "patient-name", span[0], span[1], priority


def _title_before(text: str, start: int) -> bool:
    return re.search(rf"(?<![A-Za-z]){_TITLE}\s+$", text[max(0, start - 8) : start]) is not None


def _with_title_word(text: str, m: re.Match[str], span: tuple[int, int]) -> tuple[int, int]:
    """ "Baby Amelia" keeps its "Baby": the word is part of how she is known."""
    if m.group("word") in ("Baby", "baby") and text[m.end("word") : span[0]].strip() == "":
        return m.start("word"), span[1]
    return span
