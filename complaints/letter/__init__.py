"""Cases → the letter's context, every wording decision and no layout: the phrasebook (phrases), a letter about one
case or one outlet's cases (context), a follow-up about a filing (followup)."""
