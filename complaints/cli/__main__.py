"""`python -m complaints.cli`: the same as the `complaints` command."""

from complaints.cli import main

main()
