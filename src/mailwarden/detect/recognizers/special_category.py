"""GDPR article 9 special-category data named in ordinary prose, from a curated lexicon.

The lexicon is data: `LEXICON` below, one `Phrases` row per (category, score)
group. Each phrase is a regular expression matched case-insensitively on word
boundaries, in which a plain space stands for any run of white space (so a
phrase survives line wrapping). The rules the rows follow:

* a phrase names the category in a way a reader would take as being about a
  person: "attends the mosque", "diagnosed with epilepsy", "is gay". A bare
  word that is as often a place, an event or an idiom ("church", "DNA",
  "trade union") is a weak cue, scored below the default report threshold;
* idioms and venues that borrow the words are excluded inside the row with a
  look-ahead ("her faith in the system", "the church hall car park");
* phrases are written in lower case (the scan folds the text); acronyms that
  are ordinary words in lower case are matched case-sensitively with a scoped
  `(?-i:...)` ("AIDS", not "aids the inquiry");
* no capturing groups, and no top-level `|` (wrap it in `(?:...)`);
* a look-behind must have a fixed width, so inside one write `\\s`, not a space.

All rows compile into one regular expression whose literal prefixes are
factored into a trie, so a message is scanned once, at a speed that does not
fall with the lexicon's length (see `LexiconRecognizer`, which the other
phrase-level recognizers share).
"""

from __future__ import annotations

from mailwarden.config import Config
from mailwarden.detect.finding import FindingType
from mailwarden.detect.lexicon import SOLID, STRONG, WEAK, LexiconRecognizer, Phrases

RACE = "racial or ethnic origin"
POLITICS = "political opinions"
RELIGION = "religious or philosophical beliefs"
UNION = "trade union membership"
GENETIC = "genetic data"
BIOMETRIC = "biometric data"
HEALTH = "health"
SEX = "sex life or sexual orientation"

CATEGORIES = (RACE, POLITICS, RELIGION, UNION, GENETIC, BIOMETRIC, HEALTH, SEX)
"""The article 9(1) categories, in the regulation's order; every row's category is one."""

# Building blocks shared by several rows.
_PERSON = (
    r"(?:man|men|woman|women|boys?|girls?|males?|females?|youths?|pupils?|child|children|"
    r"persons?|people|family|families|lad|lady|neighbours?|teenagers?|community)"
)
_SUBJECT_IS = (
    r"(?:(?:he|she|they|who|you|i) (?:is|are|was|were|am)|(?:he|she)['’]s|(?:they|you)['’]re)"
)
_ETHNIC = (
    r"(?:black|white|asian|brown|mixed[- ]race|of colour|dual heritage)"
    r"(?![- ](?:and blue|as a sheet|faced|knuckled))"
)
_FAITHS = (
    r"(?:muslims?|islamic|christians?|catholics?|jewish|jews?|hindus?|sikhs?|buddhists?|"
    r"atheists?|protestants?|anglicans?|methodists?|baptists?|mormons?|rastafarians?)"
)
_WORSHIP = (
    r"(?:mosque|church|synagogue|temple|gurdwara|mandir|chapel|kingdom hall)"
    r"(?! (?:hall|halls|car park|roof|building|grounds|gates?|road|street|lane|yard|tower|spire|"
    r"steps|wall))"
)
_NOT_AN_INSTITUTION = (
    r"(?! (?:primary|secondary|high|school|academy|college|church|cathedral|diocese|charity))"
)
_PARTY = (
    r"(?:labour|conservatives?|tory|tories|liberal democrats?|lib ?dems?|green party|greens|"
    r"snp|plaid cymru|reform uk|reform party|ukip|bnp|britain first|sinn f[eé]in|"
    r"socialist workers|communist party)"
)
_UNION = r"(?:unison|(?-i:Unite|PCS)|gmb|nasuwt|neu|naht|ucu|rcn|bma|rmt|aslef|cwu|usdaw|fbu)"

LEXICON: tuple[Phrases, ...] = (
    # --- racial or ethnic origin -------------------------------------------------------
    Phrases(
        RACE,
        STRONG,
        (
            r"racially (?:aggravated|motivated|abused|abusive)",
            r"racial (?:abuse|slurs?|hatred|harassment|discrimination|profiling|origin|insults?)",
            r"race[- ]hate",
            rf"(?:because|as) {_SUBJECT_IS} {_ETHNIC}",
            r"ethnic (?:origin|background|group|minority|minorities|heritage)",
            r"ethnicity",
            r"(?:white|black|asian|mixed) (?:british|irish|african|caribbean|asian|other)",
            r"british (?:asian|pakistani|indian|bangladeshi|chinese|african|caribbean|somali)",
            r"(?-i:IC[1-69]) (?:males?|females?|man|woman|youths?)",
            r"(?:irish |scottish )?(?:gypsy|gypsies|romany)(?: travellers?)?",
            r"irish travellers?",
            r"traveller (?:community|family|families|heritage|site)",
            r"roma (?:community|family|families|heritage|people|origin)",
        ),
    ),
    Phrases(
        RACE,
        SOLID,
        (
            r"racis[mt]",
            rf"{_SUBJECT_IS} {_ETHNIC}",
            rf"(?:a|an|the|two|three|several) {_ETHNIC} {_PERSON}",
            r"mixed[- ]race",
            r"dual heritage",
            r"of (?!(?:unknown|uncertain|natural|national|cultural|historic|industrial|local|world|"
            r"great|rich|the|this|that|its|their|his|her)\b)[a-z]+(?:[ -][a-z]+)? "
            r"(?:origin|descent|heritage|extraction)",
            r"(?-i:BAME|BME)",
            r"people of colou?r",
            r"skin colou?r",
        ),
    ),
    Phrases(RACE, WEAK, (r"(?-i:IC[1-69])",)),
    # --- political opinions ------------------------------------------------------------
    Phrases(
        POLITICS,
        STRONG,
        (
            rf"(?:(?:i|he|she|they|we|you|who) (?:has |have |had )?)?voted (?:for|against) "
            rf"(?:the )?{_PARTY}",
            rf"member of (?:the )?{_PARTY}(?: party)?",
            rf"{_PARTY} (?:party )?(?:members?|membership|supporters?|activists?|voters?)",
            r"political (?:views|opinions?|beliefs|affiliations?|allegiances?|leanings|"
            r"activis[mt])",
            r"far[- ]right (?:views|extremis[mt]s?|groups?|activists?|ideology|sympathies|beliefs)",
            r"(?:left|right)[- ]wing (?:views|extremis[mt]s?|activists?|beliefs|politics)",
        ),
    ),
    Phrases(
        POLITICS,
        SOLID,
        (
            r"(?:i|he|she|they|we|you|who) (?:has |have |had )?voted (?:for|against)",
            r"(?:his|her|their|my|your) politics",
            r"pro[- ](?:palestinian|palestine|israel|israeli|brexit|life|choice|independence)",
            r"(?:brexiteer|remainer)s?",
            r"(?:extinction rebellion|just stop oil|palestine action)(?: (?:activists?|members?))?",
        ),
    ),
    Phrases(POLITICS, WEAK, (r"voted (?:for|against)", r"protest(?:e|o)rs?")),
    # --- religious or philosophical beliefs --------------------------------------------
    Phrases(
        RELIGION,
        STRONG,
        (
            r"(?:attends?|attending|attended|goes to|going to|went to|worships? at|prays? at) "
            rf"(?:the |a |his |her |their |our |my )?(?:local )?{_WORSHIP}",
            r"(?:converted|converting|conversion) to (?:islam|christianity|judaism|hinduism|"
            r"sikhism|buddhism|catholicism)",
            r"religious(?:ly)? (?:beliefs?|views|hatred|abuse|aggravated|observance|convictions)",
            r"(?:islamophobi[ac]|anti-?semiti(?:c|sm)|anti-(?:muslim|jewish|sikh|hindu|christian))",
            r"jehovah['’]?s witness(?:es)?",
        ),
    ),
    Phrases(
        RELIGION,
        SOLID,
        (
            r"(?:his|her|their|my|your|our) (?:faith|religion|religious beliefs)(?! in\b)",
            rf"(?:his|her|their|my|your|our) (?:local )?{_WORSHIP}",
            r"(?:muslims?|islam|jewish|jews|hindus?|hinduism|sikhs?|sikhism|buddhists?|buddhism|"
            rf"judaism|rastafarians?|mormons?|atheists?|humanists?){_NOT_AN_INSTITUTION}",
            r"(?:catholics?|protestants?|anglicans?|methodists?|baptists?|evangelical)"
            + _NOT_AN_INSTITUTION,
            rf"(?:is|are|was|were|a|as|practising|devout|born[- ]again) {_FAITHS}",
            r"christian (?:faith|beliefs?|values|community|convert)",
            r"(?:is|am|an|as) agnostic",
            r"(?:hijab|niqab|burqa|burka|turban|kippah|yarmulke|kirpan|prayer mat)s?",
            r"ethical vegan(?:ism)?",
        ),
    ),
    Phrases(RELIGION, WEAK, (_WORSHIP, r"ramadan", r"(?-i:Eid)", r"(?:halal|kosher)")),
    # --- trade union membership --------------------------------------------------------
    Phrases(
        UNION,
        STRONG,
        (
            rf"(?:member of|joined|belongs? to|represented by) (?:the )?{_UNION}",
            rf"{_UNION} (?:members?|membership|reps?|representatives?|stewards?|subs)",
            r"trade union (?:members?|membership|reps?|representatives?|stewards?|officials?)",
            r"union(?<!european\sunion)(?<!student\sunion)(?<!students['’]\sunion)"
            r"(?<!credit\sunion) (?:members?|membership|reps?|representatives?|stewards?|"
            r"officials?|subs|dues)",
        ),
    ),
    Phrases(UNION, SOLID, (r"(?:his|her|my|your) union",)),
    Phrases(UNION, WEAK, (r"trade unions?",)),
    # --- genetic data ------------------------------------------------------------------
    Phrases(
        GENETIC,
        STRONG,
        (
            r"dna (?:samples?|profiles?|profiling|tests?|testing|results?|match(?:es)?|evidence|"
            r"swabs?|database|hit)",
            r"genetic (?:tests?|testing|conditions?|disorders?|data|profiles?|screening|markers?)",
            r"paternity tests?",
            r"(?-i:BRCA[12]?)(?: gene| mutation)?",
        ),
    ),
    Phrases(GENETIC, WEAK, (r"dna", r"genome")),
    # --- biometric data ----------------------------------------------------------------
    Phrases(
        BIOMETRIC,
        SOLID,
        (
            r"finger ?prints?",
            r"fingerprinted",
            r"palm ?prints?",
            r"facial (?:recognition|images?|biometrics?)",
            r"(?:iris|retina|retinal) (?:scans?|images?)",
            r"biometric(?:s| data| information| identifiers?| residence permit)?",
            r"voice ?prints?",
        ),
    ),
    # --- health ------------------------------------------------------------------------
    Phrases(
        HEALTH,
        STRONG,
        (
            r"diagnosed (?:with|as) (?:(?:an?|the) )?[\w'’-]+",
            r"anti-?depressants?",
            r"anti-?psychotics?",
            r"self[- ]?harm(?:ing|ed|s)?",
            r"suicidal(?: thoughts| ideation)?",
            r"(?:attempted suicide|suicide attempts?)",
            r"(?:took|taken|an) overdose",
            r"(?:sectioned|mental health act)",
            r"(?:epilepsy|epileptic(?: fits?)?|(?:had|having|suffered) (?:a )?seizures?)",
            r"(?:schizophreni[ac]|bipolar(?: disorder)?|psychosis|psychotic episode)",
            r"(?:hiv|(?-i:AIDS))(?: positive| status)?",
            r"(?:adhd|autism|autistic|asperger['’]?s)",
            r"(?:dementia|alzheimer['’]?s|parkinson['’]?s|multiple sclerosis|"
            r"motor neurone disease)",
            r"(?:cerebral palsy|cystic fibrosis|muscular dystrophy|down['’]?s syndrome)",
            r"(?:chemotherapy|radiotherapy|dialysis)",
            r"(?:leukaemia|leukemia|lymphoma|tumou?rs?|cancer)(?! research uk)",
            r"(?:diabetes|diabetic|insulin|hepatitis(?: [abc])?|tuberculosis)",
            r"(?:anorexia|bulimia|eating disorders?)",
            r"(?:ptsd|post[- ]traumatic stress)",
            r"(?:is|was|she['’]s|being|became|got) pregnant",
            r"(?:pregnancy|pregnancies|miscarriage|miscarried|termination of pregnancy|abortion)",
            r"(?:mental illness|mental health (?:crisis|issues|problems|difficulties|team|"
            r"services?|condition|needs|nurse|assessment))",
            r"(?:camhs|(?-i:EHCP)|ehc plan|education,? health and care plan)",
            r"(?:learning|physical) disabilit(?:y|ies)",
            r"special educational needs",
            r"(?:registered blind|partially sighted|visually impaired|hearing impaired)",
            r"wheelchair users?",
            r"(?:drug|alcohol) (?:addiction|dependency|dependence|misuse|problems?)",
            r"substance misuse",
            r"(?:sertraline|fluoxetine|citalopram|methylphenidate|ritalin|methadone|diazepam)",
        ),
    ),
    Phrases(
        HEALTH,
        SOLID,
        (
            r"mental health(?! (?:awareness|first aiders?|champions?|day|week|month|policy|"
            r"charity|training))",
            r"diagnosis of (?:(?:an?|the) )?[\w'’-]+",
            r"section 136",
            r"pregnant",
            r"(?:medical|health) (?:conditions?|history|records?|notes|diagnosis|needs)",
            r"depressi(?:on|ve)(?! era| of the 1930s)",
            r"(?:he|she|they|i|who|mum|dad)(?:['’]s| is| was| were| feels| felt| has been|"
            r" had been| seems| seemed) depressed",
            r"(?:suffers?|suffering|suffered|struggles?|struggling) (?:from|with) "
            r"(?:anxiety|depression|stress|[\w'’-]+ (?:disorder|syndrome|condition))",
            r"anxiety(?: (?:disorder|attacks?))?",
            r"panic attacks?",
            r"(?:ocd|dyslexia|dyslexic|dyspraxia|tourette['’]?s|asthma|asthmatic|heart condition)",
            r"alcoholic(?! (?:drinks?|beverages?|content))",
            r"(?:alcoholism|addict|addicted|addiction)",
            r"(?:on|taking|takes|prescribed) (?:medication|meds)",
            r"disabilit(?:y|ies)(?! (?:confident|access|policy|awareness|discrimination act))",
            rf"disabled (?:{_PERSON}|son|daughter|adult)",
            rf"(?:{_SUBJECT_IS}|registered) disabled",
            r"(?:is|was|went|registered|partially|completely|profoundly|legally) (?:deaf|blind)",
            rf"deaf {_PERSON}",
            r"(?:admitted to|in) hospital",
            r"(?:sick note|fit note|sickness absence|signed off sick|off sick)",
            r"(?:sustained|suffered) (?:serious |minor |facial |head |life-changing )?"
            r"injur(?:y|ies)",
            r"(?-i:SEN) support",
            r"(?-i:SEND) (?:pupils?|needs|support|register)",
            r"gender dysphoria",
            r"sexual health(?: clinic)?",
        ),
    ),
    Phrases(
        HEALTH,
        WEAK,
        (r"(?:gp|a&e|hospital|inhaler|prescription)", r"anxious", r"heart attack"),
    ),
    # --- sex life or sexual orientation ------------------------------------------------
    Phrases(
        SEX,
        STRONG,
        (
            r"(?:is|was|are|were|being|openly|as|came out as|coming out as) "
            r"(?:gay|lesbian|bisexual|bi(?!-)|homosexual|queer|transgender|trans(?!-)|non-binary)",
            rf"(?:gay|lesbian|bisexual|homosexual) (?:{_PERSON}|couple|partner|son|daughter)",
            r"(?:homophobi[ac]|biphobi[ac]|transphobi[ac])",
            r"sexual (?:orientation|relationships?|activity|history|partners?|preferences?)",
            r"sexuality",
            r"transgender",
            rf"trans {_PERSON}",
            r"gender (?:reassignment|identity|transition)",
            r"sexually transmitted(?: infections?| diseases?)?",
            r"sex workers?",
            r"his (?:husband|boyfriend)",
            r"her wife",
        ),
    ),
    Phrases(
        SEX,
        SOLID,
        (
            r"(?:gay|lesbian|bisexual|homosexual)",
            r"(?-i:LGBT(?:Q|QI|QIA)?\+?)",
            r"non-binary",
            r"(?-i:STIs?)",
            r"(?:is|was|are|were) transitioning(?! to| from)",
        ),
    ),
    # "her girlfriend" is often a female friend: weak on its own.
    Phrases(SEX, WEAK, (r"her girlfriend", r"queer")),
)


class SpecialCategoryRecognizer(LexiconRecognizer):
    name = "special_category"
    description = "GDPR article 9 special-category data (health, religion, race, ...) in prose."
    finding_type = FindingType.SPECIAL_CATEGORY
    lexicon = LEXICON


def create(config: Config) -> SpecialCategoryRecognizer:
    return SpecialCategoryRecognizer()
