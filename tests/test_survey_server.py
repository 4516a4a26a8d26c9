"""`budaya serve`, the server of the respondent flow: the measured gunicorn shape, no access log."""

from budaya.cli.serve import DEFAULT_THREADS, gunicorn_command


def option(command, name):
    return command[command.index(name) + 1]


def test_serve_runs_gunicorn_with_threads_per_process():
    command = gunicorn_command("127.0.0.1", 8000, 2, 4)
    assert (option(command, "--workers"), option(command, "--threads")) == ("2", "4")
    assert option(gunicorn_command("127.0.0.1", 8000, 3), "--threads") == str(DEFAULT_THREADS)


def test_serve_writes_no_access_log_that_would_carry_respondent_links():
    command = gunicorn_command("127.0.0.1", 8000, 2, 4)
    assert not any(part.startswith("--access-log") for part in command)


def test_serve_takes_workers_and_threads_from_the_environment(monkeypatch):
    import argparse

    from budaya.cli import serve

    monkeypatch.setenv("BUDAYA_WORKERS", "5")
    monkeypatch.setenv("BUDAYA_THREADS", "3")
    parser = argparse.ArgumentParser()
    serve.register(parser.add_subparsers())
    args = parser.parse_args(["serve"])
    assert (args.workers, args.threads) == (5, 3)
