"""The ``hardneg`` command line: ``app`` (the console script ``hardneg = hardneg_haystack.cli:app``).

Each command is a thin shell in the module of its group (``cmd_index``, ``cmd_mine``, ``cmd_train``,
``cmd_eval``, ``cmd_serve``, ``cmd_experiment``, ``cmd_ab``); :mod:`hardneg_haystack.cli.app` holds what they
share. They are registered here, in the order ``hardneg --help`` lists them.
"""

from __future__ import annotations

from hardneg_haystack.cli.app import _debug, app  # _debug: the --debug switch, flipped by tests too
from hardneg_haystack.cli.cmd_ab import ab_app
from hardneg_haystack.cli.cmd_eval import eval_dense, eval_rerank
from hardneg_haystack.cli.cmd_experiment import demo, experiment
from hardneg_haystack.cli.cmd_index import index, models, search
from hardneg_haystack.cli.cmd_mine import fit_weights_cmd, mine, mix
from hardneg_haystack.cli.cmd_serve import export_onnx_cmd, serve_cmd, swap_ranker_cmd
from hardneg_haystack.cli.cmd_train import distil_cmd, train, tune_dense_cmd, warm_start_cmd

app.command()(models)
app.command()(index)
app.command()(search)
app.command("eval-dense")(eval_dense)
app.command("fit-weights")(fit_weights_cmd)
app.command()(mine)
app.command()(mix)
app.command()(train)
app.command("warm-start")(warm_start_cmd)
app.command("distil")(distil_cmd)
app.command("tune-dense")(tune_dense_cmd)
app.command("swap-ranker")(swap_ranker_cmd)
app.command("export-onnx")(export_onnx_cmd)
app.command("eval-rerank")(eval_rerank)
app.command()(experiment)
app.command()(demo)
app.command("serve")(serve_cmd)
app.add_typer(ab_app, name="ab")

__all__ = ["_debug", "app"]
