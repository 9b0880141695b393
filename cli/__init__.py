"""The netjournal command line: parse, call one library function, render."""
