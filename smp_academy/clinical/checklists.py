"""What the clinical forms ask, in one place: the screening questions and what each answer
means, the hygiene steps and technique items of a sign-off, the examiners' stations, the consent
scopes, the supervision levels and the healed-review windows. Pure data and small pure rules;
drawn from the curriculum fact base (SMP Foundations: contraindications and consent; Hygiene:
clean field, barriers, single use, sharps) and from DOPS/OSCE practice in medical training.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, timedelta


class SupervisionLevel(enum.StrEnum):
    """Supervision steps down as competence is shown: at the chair, on site, then alone."""

    DIRECT = "direct"
    INDIRECT = "indirect"
    INDEPENDENT = "independent"


SUPERVISION_LABELS = {
    SupervisionLevel.DIRECT: "Direct: the supervisor at the chair",
    SupervisionLevel.INDIRECT: "Indirect: the supervisor on site",
    SupervisionLevel.INDEPENDENT: "Independent: the supervisor not on site",
}


class Tier(enum.StrEnum):
    """What a "yes" to a screening question means (the three-tier model of the curriculum)."""

    REFUSE = "refuse"  # do not treat; refer
    DEFER = "defer"  # not now: treat when it has resolved
    CLEARANCE = "clearance"  # only with the doctor's written clearance


@dataclass(frozen=True)
class Question:
    key: str
    text: str
    tier: Tier


SCREENING_QUESTIONS = (
    Question("under_18", "Under 18, or proof of age not seen", Tier.REFUSE),
    Question("keloid", "Tendency to keloid or hypertrophic scarring", Tier.REFUSE),
    Question(
        "pigment_allergy", "Known allergy to tattoo or micropigmentation pigment", Tier.REFUSE
    ),
    Question(
        "suspicious_lesion", "A suspicious or changing mole or lesion in the area", Tier.REFUSE
    ),
    Question(
        "active_condition",
        "Active psoriasis, eczema, dermatitis, acne, folliculitis or infection on the scalp",
        Tier.DEFER,
    ),
    Question("broken_skin", "Open wounds, cuts, bruising, sunburn or a heavy tan", Tier.DEFER),
    Question("pregnancy", "Pregnant or breastfeeding", Tier.DEFER),
    Question(
        "recent_procedure",
        "Surgery or a hair transplant in the area within 6 months, or laser within 90 days",
        Tier.DEFER,
    ),
    Question("alopecia_areata", "Active or recent alopecia areata", Tier.DEFER),
    Question(
        "anticoagulants",
        "Anticoagulants or antiplatelets (e.g. warfarin, aspirin), or a bleeding disorder",
        Tier.CLEARANCE,
    ),
    Question(
        "retinoids",
        "Isotretinoin or another retinoid, or steroids, in the last 6 months",
        Tier.CLEARANCE,
    ),
    Question(
        "chemotherapy",
        "Chemotherapy or radiotherapy in the last 6 months, or planned",
        Tier.CLEARANCE,
    ),
    Question(
        "medical_condition",
        "Diabetes, heart disease, epilepsy, immunosuppression, autoimmune or liver disease",
        Tier.CLEARANCE,
    ),
)


class ScreeningOutcome(enum.StrEnum):
    CLEAR = "clear"
    CLEARED = "cleared"  # a clearance question answered yes, and the clearance is on file
    NEEDS_CLEARANCE = "needs_clearance"
    DEFER = "defer"
    DO_NOT_TREAT = "do_not_treat"


OUTCOME_LABELS = {
    ScreeningOutcome.CLEAR: "Clear to treat",
    ScreeningOutcome.CLEARED: "Clear to treat with the doctor's clearance",
    ScreeningOutcome.NEEDS_CLEARANCE: "Not yet: the doctor's clearance is needed",
    ScreeningOutcome.DEFER: "Not now: defer until it has resolved, then screen again",
    ScreeningOutcome.DO_NOT_TREAT: "Do not treat: refer the client",
}
TREATABLE = frozenset({ScreeningOutcome.CLEAR, ScreeningOutcome.CLEARED})


def screening_outcome(answers: dict[str, bool], clearance_on_file: bool) -> ScreeningOutcome:
    """The outcome of a screening: the most serious tier answered "yes" decides."""
    tiers = {q.tier for q in SCREENING_QUESTIONS if answers.get(q.key)}
    if Tier.REFUSE in tiers:
        return ScreeningOutcome.DO_NOT_TREAT
    if Tier.DEFER in tiers:
        return ScreeningOutcome.DEFER
    if Tier.CLEARANCE in tiers:
        return ScreeningOutcome.CLEARED if clearance_on_file else ScreeningOutcome.NEEDS_CLEARANCE
    return ScreeningOutcome.CLEAR


#: (key, label, required): what the client agrees to
CONSENT_SCOPES = (
    (
        "treatment",
        "Scalp micropigmentation by a trainee under supervision, over several sessions",
        True,
    ),
    (
        "risks",
        "The risks were explained: infection, allergic reaction (possibly delayed), scarring, "
        "colour change, spread and fading; the result is long-lasting and hard to remove",
        True,
    ),
    (
        "training_photos",
        "Photos of the scalp for training assessment, seen only by the trainee, their "
        "supervisors, examiners and the academy's administrators",
        True,
    ),
    (
        "records",
        "Records kept under a case code, without name or contact details, and erased if "
        "consent is withdrawn",
        True,
    ),
    ("teaching", "Photos may also be used, with nothing identifying, in academy teaching", False),
)
REQUIRED_SCOPES = frozenset(key for key, _, required in CONSENT_SCOPES if required)

#: the hygiene steps a supervisor checks at every session
HYGIENE_STEPS = (
    ("hand_hygiene", "Hand hygiene before gloving and after removing gloves"),
    ("barriers", "Barrier film on machine, cord, bottles and surfaces, replaced per client"),
    ("single_use_opened", "Single-use needle cartridge opened in front of the client"),
    ("single_use_caps", "Pigment in single-use caps; nothing poured back into the bottle"),
    ("glove_changes", "Gloves changed after touching anything outside the clean field"),
    ("sharps", "Sharps into a sharps container at the point of use"),
    ("surface_disinfection", "Surfaces cleaned and disinfected before and after"),
)
#: the technique items a supervisor rates at every session
TECHNIQUE_ITEMS = (
    ("depth", "Depth: dots retained, no blowouts"),
    ("angle", "Needle angle and skin stretch"),
    ("spacing", "Dot spacing and density"),
    ("hairline", "Hairline design and transitions"),
    ("communication", "Client communication and comfort"),
)
#: the rating scale of the technique items (DOPS style: against the stage of training)
RATINGS = (
    (1, "Below expectations"),
    (2, "Borderline"),
    (3, "Meets expectations"),
    (4, "Above expectations"),
)
BELOW_EXPECTATIONS = 1

#: the stations of the practical exam (OSCE style), each passed or failed
EXAM_STATIONS = (
    ("consultation", "Consultation: screening, expectations and consent"),
    ("setup_hygiene", "Set-up and hygiene: clean field, barriers, single-use items"),
    ("technique", "Technique on the model: depth, angle, spacing"),
    ("aftercare", "Aftercare explanation: healing, sun, swimming, when to seek help"),
)
#: the steps of the observed hygiene procedure, each done or not
OBSERVED_STEPS = (
    *HYGIENE_STEPS,
    ("clean_down", "Work area cleaned down and barriers removed after the client"),
    ("exposure_plan", "Can explain what to do after a needlestick or blood exposure"),
)


class AssessmentKind(enum.StrEnum):
    OBSERVED_PROCEDURE = "observed_procedure"
    PRACTICAL_EXAM = "practical_exam"


ASSESSMENT_ITEMS = {
    AssessmentKind.OBSERVED_PROCEDURE: OBSERVED_STEPS,
    AssessmentKind.PRACTICAL_EXAM: EXAM_STATIONS,
}
ASSESSMENT_TITLES = {
    AssessmentKind.OBSERVED_PROCEDURE: "Observed hygiene procedure",
    AssessmentKind.PRACTICAL_EXAM: "Practical exam",
}

HAIR_LOSS_PATTERNS = (
    *(
        (f"norwood-{stage.lower()}", f"Norwood {stage}")
        for stage in ("1", "2", "2A", "3", "3A", "3V", "4", "4A", "5", "5A", "6", "7")
    ),
    *((f"ludwig-{stage.lower()}", f"Ludwig {stage}") for stage in ("I", "II", "III")),
    ("diffuse", "Diffuse thinning"),
    ("scars", "Scars only"),
    ("other", "Other"),
)
FITZPATRICK_TYPES = (
    (1, "I"),
    (2, "II"),
    (3, "III"),
    (4, "IV"),
    (5, "V"),
    (6, "VI"),
)
AREAS = (
    ("hairline", "Frontal hairline"),
    ("temples", "Temples"),
    ("mid_scalp", "Mid-scalp"),
    ("crown", "Crown"),
    ("sides_back", "Sides and back"),
    ("scar", "Scar"),
)
ADVERSE_EVENTS = (
    ("none", "None"),
    ("bleeding", "Prolonged bleeding"),
    ("allergic", "Allergic reaction"),
    ("vasovagal", "Fainting or feeling faint"),
    ("swelling", "Marked swelling"),
    ("other", "Other"),
)
FADING = (("none", "None"), ("slight", "Slight"), ("moderate", "Moderate"), ("marked", "Marked"))
SPREAD = (("none", "None"), ("slight", "Slight"), ("moderate", "Moderate"), ("marked", "Marked"))
COLOUR_SHIFT = (
    ("none", "None"),
    ("lighter", "Lighter, same tone"),
    ("cool", "Cooler: bluish or grey"),
    ("warm", "Warmer: reddish or brown"),
)
SATISFACTION = tuple((n, f"{n} of 5") for n in range(1, 6))


@dataclass(frozen=True)
class ReviewWindow:
    """When a healed review is due: from ``opens`` to ``closes`` days after the last session."""

    key: str
    title: str
    opens: int
    closes: int

    def span(self, last_session: date) -> tuple[date, date]:
        return last_session + timedelta(days=self.opens), last_session + timedelta(days=self.closes)


#: the default windows: the healed colour shows at about 4 weeks, fading by 6 months
REVIEW_WINDOWS = (
    ReviewWindow("4-week", "4-week healed review", 21, 56),
    ReviewWindow("6-month", "6-month healed review", 150, 240),
)


def labels(pairs: tuple) -> dict:
    """A (key, label, …) tuple as a look-up from key to label."""
    return {pair[0]: pair[1] for pair in pairs}
