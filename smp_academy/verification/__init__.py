"""Public verification of certificates, the JSON API and clinics' rosters."""
