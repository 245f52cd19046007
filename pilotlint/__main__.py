from pilotlint.cli import main

main()
