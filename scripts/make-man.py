#!/usr/bin/env python3
"""make-man.py BINARY > warehouse.1: the man page, written from the argument parser's own
description of every command (`BINARY --experimental-dump-help`), so it cannot drift from
`--help`. One page, a section per subcommand (as git(1)'s summary does), plus the exit codes and
files the README documents. Render it with `man -l warehouse.1`.
"""
import json
import subprocess
import sys


def roff(text):
    """Escapes text for roff: backslashes, and a leading dot or quote on a line."""
    text = (text or "").replace("\\", "\\e").replace("-", "\\-")
    return "\n".join(("\\&" + line) if line.startswith((".", "'")) else line for line in text.split("\n"))


def synopsis(command):
    parts = []
    for argument in command.get("arguments", []):
        if not argument.get("shouldDisplay", True):
            continue
        name = argument.get("preferredName", {})
        flag = ("--" if name.get("kind") == "long" else "-") + name.get("name", "") if name else ""
        value = argument.get("valueName", "")
        if argument["kind"] == "positional":
            text = f"<{value}>"
        elif argument["kind"] == "flag":
            text = flag
        else:
            text = f"{flag} <{value}>"
        if argument.get("isRepeating"):
            text += " ..."
        parts.append(f"[{text}]" if argument.get("isOptional") else text)
    return " ".join(parts)


def options(command):
    lines = []
    for argument in command.get("arguments", []):
        if not argument.get("shouldDisplay", True) or argument["kind"] == "positional" and not argument.get("abstract"):
            continue
        names = ", ".join(("--" if n["kind"] == "long" else "-") + n["name"] for n in argument.get("names", [])) or f"<{argument.get('valueName', '')}>"
        if argument["kind"] == "option":
            names += f" <{argument.get('valueName', '')}>"
        lines += [".TP", f"\\fB{roff(names)}\\fR", roff(argument.get("abstract", ""))]
    return lines


def section(command, path):
    out = [f".SS {roff(' '.join(path))}", f"\\fB{roff(' '.join(path))}\\fR {roff(synopsis(command))}", ".PP", roff(command.get("abstract", ""))]
    if command.get("discussion"):
        out += [".PP", roff(command["discussion"])]
    out += options(command)
    for sub in command.get("subcommands", []):
        if sub.get("shouldDisplay", True) and sub["commandName"] != "help":
            out += section(sub, path + [sub["commandName"]])
    return out


def main():
    dump = json.loads(subprocess.run([sys.argv[1], "--experimental-dump-help"], check=True, capture_output=True, text=True).stdout)
    root = dump["command"]
    version = subprocess.run([sys.argv[1], "--version"], check=True, capture_output=True, text=True).stdout.strip()
    page = [
        f'.TH WAREHOUSE 1 "" "warehouse {roff(version)}" "User Commands"',
        ".SH NAME", f"warehouse \\- {roff(root.get('abstract', ''))}",
        ".SH SYNOPSIS", "\\fBwarehouse\\fR \\fIcommand\\fR [\\fIoptions\\fR]",
        ".SH DESCRIPTION", roff(root.get("discussion", "")),
        ".SH COMMANDS",
    ]
    for sub in root.get("subcommands", []):
        if sub.get("shouldDisplay", True) and sub["commandName"] != "help":
            page += section(sub, ["warehouse", sub["commandName"]])
    page += [
        ".SH EXIT STATUS",
        ".TP", "0", "success",
        ".TP", "1", "bad input, a failed query, or another error (one line on standard error)",
        ".TP", "2", "the configuration, or a secret it names, is missing or wrong; nothing ran",
        ".TP", "3", "etl: a source failed or an alert was not sent; what loaded is kept",
        ".TP", "4", "another run held the warehouse's lock",
        ".TP", "64", "wrong arguments",
        ".SH ENVIRONMENT",
        ".TP", "WAREHOUSE_DB", "the warehouse file when \\-\\-db is not given (default ./warehouse.db)",
        ".TP", "WAREHOUSE_SQL_TRACE", "a file each connection appends its statements' text to (never bound values)",
        ".SH FILES",
        ".TP", "warehouse.yaml", "the configuration (\\-\\-config); an example is in share/doc/warehouse/examples",
        ".TP", "warehouse\\-etl.service, warehouse\\-etl.timer", "the nightly run under systemd",
    ]
    print("\n".join(page))


if __name__ == "__main__":
    main()
