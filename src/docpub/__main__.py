from docpub.cli import run

run()
