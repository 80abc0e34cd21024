"""Open Badges 3.0 verifiable credentials: the pure core (no Flask, no database).

Build an ``AchievementCredential`` (credential.py), sign and check its Data Integrity proof
``eddsa-rdfc-2022`` (proof.py) with Ed25519 keys (keys.py) published in a did:web document
(did.py), publish revocations in a Bitstring Status List (status_list.py), and give one
verdict on a credential or a PDF that carries one (verify.py, cli.py).
"""
