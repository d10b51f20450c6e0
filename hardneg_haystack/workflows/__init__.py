"""Use cases that the CLI, the experiment and the benchmarks share: each is one function over the layers below
(stores, models, mining, training, evaluation), so a command only parses its arguments and prints."""
