"""Sharing a certificate: LinkedIn's "Add to profile" link for certifications.

The parameters are those of LinkedIn's documented Add to Profile URL
(``https://www.linkedin.com/profile/add?startTask=CERTIFICATION_NAME&…``). LinkedIn accepts
either an ``organizationId`` (the academy's LinkedIn page id, which links the entry to the
page and shows its logo) or a free-text ``organizationName``.
"""

from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

LINKEDIN_ADD_TO_PROFILE = "https://www.linkedin.com/profile/add"


def linkedin_add_to_profile_url(
    *,
    name: str,
    organization: str | int,
    issued_on: date,
    expires_on: date | None,
    cert_id: str,
    cert_url: str,
) -> str:
    """The link that opens LinkedIn's "Add licence or certification" form pre-filled.

    ``organization`` is the academy's LinkedIn organisation id when it is an int (or a
    string of digits), otherwise its name.
    """
    is_id = isinstance(organization, int) or str(organization).isdigit()
    params: dict[str, str | int] = {
        "startTask": "CERTIFICATION_NAME",
        "name": name,
        ("organizationId" if is_id else "organizationName"): organization,
        "issueYear": issued_on.year,
        "issueMonth": issued_on.month,
    }
    if expires_on is not None:
        params |= {"expirationYear": expires_on.year, "expirationMonth": expires_on.month}
    params |= {"certUrl": cert_url, "certId": cert_id}
    return f"{LINKEDIN_ADD_TO_PROFILE}?{urlencode(params)}"
