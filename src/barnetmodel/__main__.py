"""`python -m barnetmodel`."""

from barnetmodel.cli.app import main

if __name__ == "__main__":
    main()
