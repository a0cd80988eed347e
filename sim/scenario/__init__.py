"""What a run is made of: the configuration schema and its validation (``schema``), Hydra
composition of configs and scenarios (``config``), user files read as data
(``yamlfile``, ``userfiles``), the shell's option helpers
(``options``), the monthly calendar (``calendar``), the reference datasets and their
package data (``datasets``, ``data/``) and the one error type for bad input (``errors``).
The bottom layer: it imports nothing else from ``sim``, and every layer may import it.
"""
