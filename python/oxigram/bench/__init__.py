"""The benchmark suite behind ``oxigram bench`` (docs/benchmarks.md).

* :mod:`.tl_objects`: the TL objects every implementation encodes/decodes (also used by
  ``benches/bench_tl.py``).
* :mod:`.difference`: a realistic ``updates.difference`` (100 messages with media, entities and
  keyboards, their users and chats), decoded by every implementation (also used by
  ``benches/bench_difference.py``).
* :mod:`.micro`: the micro-benchmark table (crypto rows of :mod:`oxigram.benchtable` plus TL
  rows), its JSON form.
* :mod:`.e2e`: K users pressing one bot's buttons through a Local DC in another process, an
  oxigram bot and a Telethon bot in the same run.
* :mod:`.charts`: PNG charts (matplotlib, the ``bench`` extra).
"""
