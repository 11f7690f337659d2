"""Sans-IO MTProto: transports framing, the auth-key exchange (both roles) and encrypted
sessions. Nothing here does I/O or reads the clock or the OS random source on its own
initiative without a parameter to replace it; ``network/`` and ``server/`` drive these objects.
"""
