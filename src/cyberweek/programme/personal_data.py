"""What the programme holds about people (see core/personal_data.py): nothing tied to an
account.

Speakers' names, affiliations and biographies are programme content that each speaker
gives for publication; no account links to them, so the export and erasure of an account
cannot reach them and need not. Staff correct or remove a speaker in the organiser area
(`/organiser/editions/<n>/speakers/<n>/`), which is how a speaker's request is carried out.
"""

SOURCES = []
