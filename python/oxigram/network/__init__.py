"""asyncio I/O for the client: TCP connections over the ``mtproto`` transports and the
sender that drives a :class:`~oxigram.mtproto.session.Session` (requests, acks, resends,
keep-alive, reconnects). Nothing above this package touches sockets."""
