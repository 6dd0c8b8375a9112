"""GDPR article 10 data: allegations, offences, convictions and criminal proceedings.

The lexicon below is data, written as the special-category one is (see
`special_category` for the phrase syntax). Each row's category is one of:

* allegation: a person suspected or accused ("arrested on suspicion of",
  "released under investigation", "no further action");
* offence: the offence itself ("assault", "racially aggravated harassment",
  "hate crime", "domestic abuse");
* conviction: a finding of guilt or a disposal ("convicted of", "pleaded
  guilty", "cautioned for", "previous convictions", "criminal record");
* proceedings: the process ("charged with", "remanded in custody", "bail
  conditions", "court hearing").

Words that police and court language share with everyday English are only
taken with the words that make them criminal: "charged with" but not "charged
with the task", "battery" only in "assault by battery", "trial" only in "stood
trial".
"""

from __future__ import annotations

from mailwarden.config import Config
from mailwarden.detect.finding import FindingType
from mailwarden.detect.lexicon import (
    SOLID,
    STRONG,
    WEAK,
    LexiconRecognizer,
    Phrases,
)

ALLEGATION = "allegation"
OFFENCE = "offence"
CONVICTION = "conviction"
PROCEEDINGS = "proceedings"
CATEGORIES = (ALLEGATION, OFFENCE, CONVICTION, PROCEEDINGS)

_SUSPECT = (
    r"(?:he|she|they|who|man|woman|boy|girl|youth|suspect|defendant|teenager|pupil|male|female)"
)
_DUTY = (
    r"(?:(?:the |a )?(?:task|job|responsibility|duty|role|care|oversight|mission|remit)|"
    r"overseeing|leading|managing|ensuring|delivering|developing|looking after|reviewing|"
    r"organising|coordinating|producing|running|implementing|setting|writing|finding)"
)
_NOT_A_DUTY = rf"(?! with {_DUTY}\b)"
_NOT_A_PRICE = (
    r"(?! ?(?:£|\$|€|\d)| (?:up|extra|twice|too|more|a fee|interest|vat|back)\b)"
    r"(?! for (?:the |a |an )?(?:service|delivery|postage|parking|call|repairs?|items?|goods|"
    r"work)\b)"
)

LEXICON: tuple[Phrases, ...] = (
    # --- allegation --------------------------------------------------------------------
    Phrases(
        ALLEGATION,
        STRONG,
        (
            r"(?:(?:was|were|been|being|is|are|got) )?arrested (?:on suspicion of|for|"
            r"in connection with|after|following)",
            r"(?:was|were|been|being|got) arrested",
            r"under arrest",
            r"interviewed under caution",
            r"released under investigation",
            r"(?:no further action|(?-i:NFA)['’]?d)",
            r"(?:wanted|sought) (?:for|in connection with) (?:an? |the )?(?:assault|robbery|"
            r"burglary|murder|rape|theft|offence|attack|stabbing|shooting)",
            r"allegations? of",
            r"made an allegation",
            r"alleged(?:ly)? (?:assault(?:ed)?|attack(?:ed)?|abuse[d]?|offence|rape[d]?|"
            r"theft|stole|harass(?:ed|ment)|threat(?:ened|s)?)",
            r"suspected of (?:assault|theft|burglary|robbery|murder|rape|dealing|supplying|"
            r"possession|stealing|attacking|harassing|committing|being involved)",
        ),
    ),
    Phrases(
        ALLEGATION,
        SOLID,
        (
            r"arrested",
            r"no further action",
            r"(?:the|a|main|prime) suspects?(?! (?:package|parcel|device|e-?mail|link|item))",
            r"(?:accused|suspected) of",
            r"(?:voluntary interview|voluntary attendance|person of interest)",
            r"reported (?:him|her|them) to (?:the )?police",
            r"(?-i:RUI)",
        ),
    ),
    Phrases(ALLEGATION, WEAK, (r"alleged(?:ly)?", r"under investigation")),
    # --- offence -----------------------------------------------------------------------
    Phrases(
        OFFENCE,
        STRONG,
        (
            r"(?:racially|religiously) aggravated(?: (?:harassment|assault|criminal damage|"
            r"public order offence|offence|common assault))?",
            r"(?:hate crimes?|hate incidents?)",
            r"sexual (?:offences?|assaults?|abuse|exploitation|activity with a child)",
            r"(?:child sexual (?:abuse|exploitation)|(?-i:CSE|CSA|CSAM))",
            r"indecent (?:exposure|images?|assault|photographs?)",
            r"(?:domestic (?:abuse|violence)|coercive (?:control|and controlling behaviour))",
            r"(?:common assault|assault by (?:battery|beating|penetration)|assault occasioning)",
            r"(?:actual|grievous) bodily harm",
            r"(?-i:ABH|GBH)",
            r"(?:wounding with intent|wounding|malicious wounding)",
            r"(?:murder(?:ed)?|manslaughter|attempted murder|threats to kill)",
            r"rape(?<!oilseed\srape)d?(?! ?seed| oil| field)",
            r"(?:burglary|burgled|robbery|robbed|shoplifting|theft)",
            r"(?:criminal damage|arson)",
            r"(?:drink|drunk|drug)[- ]driving",
            r"possession (?:of|with intent to supply) (?:an? )?(?:class [abc]|controlled drugs?|"
            r"cannabis|cocaine|heroin|offensive weapon|bladed article|knife|firearm|drugs|"
            r"indecent images)",
            r"(?:drug (?:dealing|supply|offences)|supplying drugs|county lines)",
            r"(?:modern slavery|human trafficking)",
            r"malicious communications?",
            r"public order offences?",
            r"(?:section 4a?|section 5) public order",
            r"breach of (?:the peace|bail|a restraining order|a non-molestation order|"
            r"a criminal behaviour order)",
            r"(?:stalking|upskirting|revenge porn|sextortion)",
            r"(?:sexual|online) grooming",
        ),
    ),
    Phrases(
        OFFENCE,
        SOLID,
        (
            r"assault(?:ed|s|ing)?(?! (?:course|rifle))",
            r"(?:harassment|harassed|harassing)",
            r"(?:fraud|fraudulently|vandalism|vandalised|stolen|stole)",
            r"(?:offenders?|perpetrators?|victim of (?:a |an )?crime)",
            r"(?:stabbed|stabbing|mugged|mugging)",
            r"(?:punch(?:ed|es|ing)?|kick(?:ed|s|ing)?|headbutt(?:ed|s|ing)?|slapp(?:ed|ing)|"
            r"strangl(?:ed|ing)|stamp(?:ed|ing) on) (?:him|her|them|me|us|another|a man|"
            r"a woman|a boy|a girl|the victim)",
            r"grooming(?<!dog\sgrooming)(?<!pet\sgrooming)(?! (?:salon|parlour|products?|kit))",
        ),
    ),
    Phrases(
        OFFENCE,
        WEAK,
        # "It is a criminal offence to ..." stands in many e-mail disclaimers.
        (r"(?:an offence|criminal offences?|anti-social behaviour|trespass(?:ing)?)",),
    ),
    # --- conviction --------------------------------------------------------------------
    Phrases(
        CONVICTION,
        STRONG,
        (
            r"convicted (?:of|for)",
            r"(?:previous|prior|spent|unspent|criminal) convictions?",
            r"convictions? for",
            r"(?:criminal record|criminal history)",
            r"(?:pleaded|pled|pleads|plead|entered a plea of) guilty",
            r"found guilty",
            r"sentenced to",
            r"(?:jailed|imprisoned) for",
            r"(?:prison|custodial|suspended|community) sentence",
            r"(?:community order|conditional discharge|absolute discharge|"
            r"youth rehabilitation order)",
            r"(?:registered sex offender|sex offenders['’]? register)",
            r"(?:cautioned (?:for|over|after)|received a caution|accepted a caution|"
            r"(?:conditional|youth|simple|police) caution)",
            r"(?:penalty notice for disorder|community resolution)",
        ),
    ),
    Phrases(
        CONVICTION,
        SOLID,
        (
            r"(?:convicted|jailed|imprisoned)",
            r"(?:released on licence|recalled to prison|on licence from prison)",
            r"(?:served|serving) (?:a |his |her |their )?(?:prison|jail) (?:sentence|term)",
        ),
    ),
    Phrases(CONVICTION, WEAK, (r"(?:enhanced )?(?-i:DBS) (?:check|certificate)",)),
    # --- proceedings -------------------------------------------------------------------
    Phrases(
        PROCEEDINGS,
        STRONG,
        (
            rf"charged with(?! {_DUTY}\b)",
            rf"{_SUSPECT} (?:has been|have been|was|were|is being|will be) charged"
            + _NOT_A_PRICE
            + _NOT_A_DUTY,
            r"(?:charged and bailed|charged and remanded|charging decision)",
            r"remanded (?:in custody|on bail|into custody)",
            r"(?:bail conditions|police bail|conditional bail|released on bail)",
            r"(?:appeared|appear|appears|appearing|due to appear) before (?:the )?(?:magistrates|"
            r"a judge|the court|the bench|a jury)",
            r"(?:magistrates|crown|youth)['’]? court",
            r"(?:stood|stand|stands|standing|went on|on) trial",
            r"(?:trial date|court date|court hearing|sentencing hearing|plea hearing)",
            r"(?:indicted|acquitted|acquittal|not guilty verdict)",
            r"(?:arrest warrant|warrant for (?:his|her|their) arrest|warrant of arrest)",
            r"(?:crown prosecution service|(?-i:CPS) (?:charging|advice|decision|lawyer|case))",
            r"criminal(?<!or\scriminal) (?:proceedings|investigation|case|charges?)",
            r"(?:restraining order|non-molestation order|criminal behaviour order)",
            r"summons(?:ed)? to (?:appear|court)",
        ),
    ),
    Phrases(
        PROCEEDINGS,
        SOLID,
        (
            r"(?:remanded|prosecuted|prosecution|defendants?)",
            r"(?:on bail|in police custody|custody suite|custody record|in custody)",
            r"(?:summonsed|summonses)",
            r"court (?:case|proceedings|appearance)",
            r"police investigation",
        ),
    ),
)


class CriminalOffenceRecognizer(LexiconRecognizer):
    name = "criminal_offence"
    description = "GDPR article 10 data: allegations, offences, convictions and proceedings."
    finding_type = FindingType.CRIMINAL_OFFENCE
    lexicon = LEXICON


def create(config: Config) -> CriminalOffenceRecognizer:
    return CriminalOffenceRecognizer()
