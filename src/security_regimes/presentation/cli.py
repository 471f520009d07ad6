"""The ``regimes`` command line.

Every command validates its input through the library, so bad input gives
the library's one-line ``ValueError`` message and exit status 2, never a
traceback.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import click
import typer
from rich.console import Console
from rich.table import Table

app = typer.Typer(
    help="Simulate and measure international security regimes (Jervis 1982).",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
console = Console()
err = Console(stderr=True)

DEFAULT_TOURNAMENT = [
    "Cooperator",
    "Defector",
    "Tit For Tat",
    "Grudger",
    "Tit For 2 Tats",
    "Suspicious Tit For Tat",
    "Win-Stay Lose-Shift",
    "Alternator",
    "Soft Go By Majority",
    "Contrite Tit For Tat",
    "Random",
    "GTFT",
    "Bayesian Trust",
]

Json = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")]
Seed = Annotated[int | None, typer.Option(help="Root seed (non-negative integer).")]


def _moves_str(moves) -> str:
    return "".join("C" if m else "D" for m in moves)


def _df_table(df, title: str | None = None, floatfmt: str = "{:.3f}") -> Table:
    table = Table(title=title)
    for col in df.columns:
        table.add_column(str(col), justify="right" if df[col].dtype.kind in "iuf" else "left")
    for row in df.itertuples(index=False):
        table.add_row(
            *[floatfmt.format(v) if isinstance(v, float) else str(v) for v in row]
        )
    return table


@app.command()
def strategies() -> None:
    """List the built-in strategies and their metadata."""
    from ..games.strategies import all_strategies

    table = Table(title="Strategies (names as in the Axelrod library)")
    for col in ("name", "memory depth", "stochastic", "kind"):
        table.add_column(col)
    for s in all_strategies():
        kind = "state machine" if hasattr(s, "initial") else "vectorised"
        table.add_row(
            s.display_name,
            str(s.classifier.get("memory_depth")),
            str(s.classifier.get("stochastic")),
            kind,
        )
    console.print(table)


@app.command("match")
def match_cmd(
    a: Annotated[str, typer.Argument(help="First strategy, e.g. 'Tit For Tat'.")],
    b: Annotated[str, typer.Argument(help="Second strategy.")],
    turns: Annotated[int, typer.Option(help="Number of turns (the cap if --continuation).")] = 200,
    game: Annotated[str, typer.Option(help="Stage game preset.")] = "prisoners_dilemma",
    noise: Annotated[float, typer.Option(help="Probability an intended move is flipped.")] = 0.0,
    misperception: Annotated[
        float, typer.Option(help="Probability a move is seen as its opposite.")
    ] = 0.0,
    continuation: Annotated[
        float | None, typer.Option(help="Probability of another turn (shadow of the future).")
    ] = None,
    seed: Seed = None,
    as_json: Json = False,
) -> None:
    """Play one repeated game and print its moves and scores."""
    from ..engine.play import match

    r = match(a, b, turns=turns, game=game, noise=noise, misperception=misperception,
              continuation=continuation, seed=seed)
    if as_json:
        print(json.dumps({
            "players": list(r.players),
            "turns": r.turns,
            "scores": r.scores.tolist(),
            "cooperation": r.cooperation.tolist(),
            "moves": [_moves_str(r.moves[:, 0]), _moves_str(r.moves[:, 1])],
            "seed": r.seed,
        }))
        return
    table = Table(title=f"{r.players[0]} vs {r.players[1]}: {r.turns} turns, seed {r.seed}")
    for col in ("player", "score", "restraint", "moves (C = restrain)"):
        table.add_column(col)
    for k in range(2):
        moves = _moves_str(r.moves[:, k])
        table.add_row(r.players[k], f"{r.scores[k]:g}", f"{r.cooperation[k]:.2f}",
                      moves if len(moves) <= 60 else moves[:57] + "...")
    console.print(table)


@app.command("tournament")
def tournament_cmd(
    strategy: Annotated[
        list[str] | None,
        typer.Option("--strategy", "-s", help="Strategy to include (repeat); default: all built-in."),
    ] = None,
    turns: Annotated[int, typer.Option(help="Turns per match.")] = 200,
    repetitions: Annotated[int, typer.Option(help="Repetitions of each pairing.")] = 10,
    game: Annotated[str, typer.Option(help="Stage game preset.")] = "prisoners_dilemma",
    noise: Annotated[float, typer.Option(help="Probability an intended move is flipped.")] = 0.0,
    seed: Seed = 0,
    as_json: Json = False,
) -> None:
    """Play a round-robin tournament and print the ranking."""
    from ..engine.tournament import tournament

    r = tournament(strategy or DEFAULT_TOURNAMENT, turns=turns, repetitions=repetitions,
                   game=game, noise=noise, seed=seed)
    summary = r.summary
    if as_json:
        print(json.dumps({"ranking": r.ranking, "seed": r.seed,
                          "summary": summary.to_dict(orient="records")}))
        return
    console.print(_df_table(summary, title=f"Tournament: {turns} turns x {repetitions} "
                                          f"repetitions, game {game}, noise {noise:g}, seed {r.seed}"))


@app.command()
def demo(
    out: Annotated[Path, typer.Option(help="Directory for the demo's outputs.")] = Path(
        "results/demo"
    ),
    seed: Seed = 0,
) -> None:
    """Run the main job on built-in defaults."""
    from ..engine.tournament import tournament

    out.mkdir(parents=True, exist_ok=True)
    r = tournament(DEFAULT_TOURNAMENT, turns=200, repetitions=10, noise=0.02, seed=seed)
    console.print(_df_table(r.summary, title="Tournament: 200 turns x 10 repetitions, noise 0.02"))
    path = out / "tournament.csv"
    r.scores.to_csv(path, index=False)
    console.print(f"scores written to {path}")


def main() -> None:
    """Entry point: one clear line and exit 2 on bad input."""
    try:
        app(standalone_mode=False)
    except click.exceptions.Exit as e:
        sys.exit(e.exit_code)
    except click.exceptions.Abort:
        err.print("aborted")
        sys.exit(130)
    except click.ClickException as e:
        e.show()
        sys.exit(e.exit_code)
    except (ValueError, FileNotFoundError, NotADirectoryError, FileExistsError) as e:
        msg = str(e).splitlines()[0] if str(e) else type(e).__name__
        err.print(f"error: {msg}", highlight=False, soft_wrap=True)
        sys.exit(2)


if __name__ == "__main__":  # pragma: no cover
    main()


__all__ = ["app", "main", "Path"]
