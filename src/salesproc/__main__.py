from salesproc.cli import main

main()
