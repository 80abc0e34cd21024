"""The supervised clinical pathway: a trainee's case logbook (pseudonymous clients, consent and
screening, treatment sessions with pigment lots), supervisors' sign-off forms (instructors, or an
external supervisor through a single-use link), healed reviews, the examiners' observed hygiene
procedure and practical exam, continuing-education hours and pigment lot traceability.

Client data here is health data: pseudonymous by construction, shown only behind a permission
check with every view audited, and erased on withdrawal of consent or when its retention ends.
"""
