"""The bad-input contract of the ``cardplay`` command, called in this process (issue 15).

``error_line(capsys, args)`` runs ``cardplay <args>`` through :func:`sim.cli.main` and
asserts the contract: exit status 2, one line on stderr that starts ``config error:``,
of a sane width, no traceback. It returns the line for the caller's own checks.
"""

from __future__ import annotations

from sim.cli import main


def run_main(capsys, args: list[str]) -> tuple[int, str, str]:
    """``cardplay <args>`` in this process: (status, stdout, stderr)."""
    try:
        code = main(list(args))
    except SystemExit as exc:
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


def error_line(capsys, args: list[str]) -> str:
    code, _, err = run_main(capsys, args)
    lines = err.strip().splitlines()
    assert code == 2, (args, code, err)
    assert len(lines) == 1 and lines[0].startswith("config error: "), (args, err)
    assert "Traceback" not in err and len(lines[0]) < 600, err
    return lines[0]
