"""The bundled benchmark suite (data only): tiny and medium tiers, public part and key part.

Rebuild with ``reluhard suite build instances/``; read with ``reluhard.datasets.load_suite``.
"""
