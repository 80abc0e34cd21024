"""The clinical forms: input shape only (types, lengths); the services hold the rules and name
the field a refusal belongs to. Checklist forms get one field per item of ``checklists``."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, MultipleFileField
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from smp_academy.clinical.checklists import (
    ADVERSE_EVENTS,
    AREAS,
    ASSESSMENT_ITEMS,
    COLOUR_SHIFT,
    CONSENT_SCOPES,
    FADING,
    FITZPATRICK_TYPES,
    HAIR_LOSS_PATTERNS,
    HYGIENE_STEPS,
    RATINGS,
    SATISFACTION,
    SCREENING_QUESTIONS,
    SPREAD,
    SUPERVISION_LABELS,
    TECHNIQUE_ITEMS,
    AssessmentKind,
)
from smp_academy.clinical.measurements import KEEP_LABEL

NOTES = "Describe the treatment only: never a name, address, phone number or e-mail."
PHOTO_HELP = "JPEG, PNG, WebP or HEIC, up to 25 MB each. Location and camera data are removed."
SCALP_PHOTO_HELP = (
    "Stick the scale sticker flat beside the area and photograph both from straight above: "
    "each photo is measured. " + PHOTO_HELP
)
KEEP_HELP = (
    "Only for an area where no scale sticker could be placed: the photos are kept, "
    "but they get no measurements and no comparison."
)
EXTERNAL = 0  # the supervisor choice meaning "someone outside the academy"


def _optional(*validators):
    return [Optional(), *validators]


def options(pairs) -> list[SelectChoice]:
    """(value, label, …) pairs of ``checklists`` as WTForms choices."""
    return [SelectChoice(pair[0], pair[1]) for pair in pairs]


class MultiCheckboxField(SelectMultipleField):
    """A list of checkboxes (the template renders each with its own label)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class OpenCaseForm(FlaskForm):
    initials = StringField(
        "Client's initials (optional)",
        validators=_optional(Length(max=8)),
        description="Up to three letters. Never the client's name.",
    )
    birth_year = IntegerField(
        "Year of birth (optional)",
        validators=_optional(),
        description="The year only; the client must be 18 or over.",
    )


class ConsentForm(FlaskForm):
    method = RadioField(
        "How the client gave consent",
        choices=options([("on_screen", "Signed on screen"), ("scan", "Signed on paper (a scan)")]),
        validators=_optional(),
    )
    scopes = MultiCheckboxField(
        "The client agrees to",
        choices=options(
            (key, label if required else f"{label} (optional)")
            for key, label, required in CONSENT_SCOPES
        ),
        validators=_optional(),
    )
    signature = StringField(
        "Client's signature: their initials",
        validators=_optional(Length(max=8)),
        description="For consent signed on screen: the client types their initials.",
    )
    signed_on = DateField("Date of consent", validators=_optional())
    scan = MultipleFileField(
        "Scan or photo of the signed form", description="For consent on paper. " + PHOTO_HELP
    )


class ScreeningForm(FlaskForm):
    screened_on = DateField("Date of the screening", validators=_optional())
    clearance_on_file = BooleanField(
        "The doctor's written clearance is on file (for the items that need it)"
    )


for _question in SCREENING_QUESTIONS:
    setattr(ScreeningForm, f"q_{_question.key}", BooleanField(_question.text))


class PlanForm(FlaskForm):
    hair_loss = SelectField(
        "Hair-loss pattern",
        choices=options([("", "Choose…"), *HAIR_LOSS_PATTERNS]),
        validators=_optional(),
    )
    has_scars = BooleanField("Scars in the area to treat")
    fitzpatrick = SelectField(
        "Fitzpatrick skin type",
        choices=options([(0, "Choose…"), *FITZPATRICK_TYPES]),
        coerce=int,
        validators=_optional(),
    )
    design = TextAreaField(
        "Agreed design",
        validators=_optional(Length(max=2000)),
        description="Hairline position and shape, density, shade. " + NOTES,
    )


class SessionForm(FlaskForm):
    performed_on = DateField("Date of the session", validators=_optional())
    duration_minutes = IntegerField("Duration (minutes)", validators=_optional())
    areas = MultiCheckboxField("Areas worked", choices=options(AREAS), validators=_optional())
    pigment_brand = StringField("Pigment brand", validators=_optional(Length(max=200)))
    pigment_shade = StringField("Pigment shade", validators=_optional(Length(max=200)))
    pigment_lot = StringField(
        "Pigment lot number",
        validators=_optional(Length(max=200)),
        description="As printed on the bottle: it lets the academy trace a recalled lot.",
    )
    dilution = StringField(
        "Dilution", validators=_optional(Length(max=200)), description="e.g. 1:3 sterile water"
    )
    needle = StringField(
        "Needle configuration", validators=_optional(Length(max=200)), description="e.g. 1RL 0.25"
    )
    machine = StringField("Machine", validators=_optional(Length(max=200)))
    machine_settings = StringField(
        "Machine settings (optional)",
        validators=_optional(Length(max=200)),
        description="e.g. stroke 2.5 mm, 90 Hz",
    )
    level = RadioField(
        "Level of supervision", choices=options(SUPERVISION_LABELS.items()), validators=_optional()
    )
    supervisor_id = SelectField("Supervisor", coerce=int, validators=_optional())
    external_name = StringField("External supervisor's name", validators=_optional(Length(max=200)))
    external_email = StringField(
        "External supervisor's e-mail",
        validators=_optional(Length(max=320)),
        description="They receive a single-use link to sign this session off; no account needed.",
    )
    adverse_event = SelectField(
        "Adverse event", choices=options(ADVERSE_EVENTS), default="none", validators=_optional()
    )
    notes = TextAreaField("Notes", validators=_optional(Length(max=2000)), description=NOTES)
    before = MultipleFileField("Photos before the session", description=SCALP_PHOTO_HELP)
    after = MultipleFileField("Photos after the session", description=SCALP_PHOTO_HELP)
    after_area = SelectField(
        "Area the after photos show",
        choices=options([("", "Not stated"), *AREAS]),
        validators=_optional(),
        description="The healed photos of the same area are measured against these.",
    )
    keep_unmeasured = BooleanField(KEEP_LABEL, description=KEEP_HELP)


class SignOffForm(FlaskForm):
    level = RadioField(
        "Level of supervision you confirm",
        choices=options(SUPERVISION_LABELS.items()),
        validators=_optional(),
    )
    feedback = TextAreaField(
        "Feedback to the trainee",
        validators=_optional(Length(max=2000)),
        description="What went well, and what to work on next.",
    )
    is_satisfactory = RadioField(
        "Overall",
        choices=options([("yes", "Satisfactory"), ("no", "Not yet satisfactory")]),
        validators=_optional(),
    )


for _key, _label in HYGIENE_STEPS:
    setattr(SignOffForm, f"hygiene_{_key}", BooleanField(_label))
for _key, _label in TECHNIQUE_ITEMS:
    setattr(
        SignOffForm,
        f"rating_{_key}",
        RadioField(_label, choices=options(RATINGS), coerce=int, validators=_optional()),
    )


class CorrectionForm(SignOffForm):
    reason = TextAreaField("Reason for the correction", validators=_optional(Length(max=2000)))


class ReviewForm(FlaskForm):
    window = SelectField("Review", validators=_optional())
    reviewed_on = DateField("Date of the review", validators=_optional())
    fading = RadioField("Fading", choices=options(FADING), validators=_optional())
    spread = RadioField(
        "Spread (blurring) of the dots", choices=options(SPREAD), validators=_optional()
    )
    colour_shift = RadioField("Colour shift", choices=options(COLOUR_SHIFT), validators=_optional())
    satisfaction = RadioField(
        "Client's satisfaction", choices=options(SATISFACTION), coerce=int, validators=_optional()
    )
    notes = TextAreaField("Notes", validators=_optional(Length(max=2000)), description=NOTES)
    photos = MultipleFileField("Photos of the healed result", description=SCALP_PHOTO_HELP)
    area = SelectField(
        "Area the healed photos show",
        choices=options([("", "Not stated"), *AREAS]),
        validators=_optional(),
        description="They are measured against the after photos of the same area.",
    )
    keep_unmeasured = BooleanField(KEEP_LABEL, description=KEEP_HELP)


def make_assessment_form(kind: AssessmentKind, *, correcting: bool = False) -> type[FlaskForm]:
    """The examiner's form: a checkbox per station or step, each ticked when passed."""

    class AssessmentForm(FlaskForm):
        held_on = DateField("Date", validators=_optional())
        feedback = TextAreaField("Feedback to the trainee", validators=_optional(Length(max=2000)))

    for key, label in ASSESSMENT_ITEMS[kind]:
        setattr(AssessmentForm, f"item_{key}", BooleanField(label))
    if correcting:
        AssessmentForm.reason = TextAreaField(
            "Reason for the correction", validators=_optional(Length(max=2000))
        )
    return AssessmentForm


class CpdForm(FlaskForm):
    completed_on = DateField("Date completed", validators=_optional())
    title = StringField("Activity", validators=_optional(Length(max=400)))
    provider = StringField("Provider", validators=_optional(Length(max=240)))
    hours = DecimalField("Hours", places=2, validators=_optional())
    evidence = FileField(
        "Evidence: a photo or scan of the certificate of attendance", description=PHOTO_HELP
    )


class ConfirmForm(FlaskForm):
    """A button that changes something (CSRF only)."""


class WithdrawForm(FlaskForm):
    """Erasing a case's photos and notes cannot be undone: it is confirmed explicitly."""

    confirm = BooleanField(
        "The client has withdrawn consent; erase this case's photos and notes now",
        validators=[InputRequired("Tick the box to confirm the withdrawal: erasure is final.")],
    )
