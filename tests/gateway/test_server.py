"""The gateway's listening socket: what each accepted connection gets."""

from __future__ import annotations

import asyncio
import socket

from mailwarden.gateway.server import listening_socket


def test_connections_are_accepted_with_nagle_off() -> None:
    """An SMTP reply of several lines is several small writes: with Nagle on, each waits for
    the peer's delayed ACK (40 ms a connection, measured through Postfix)."""
    seen: list[int] = []

    class Probe(asyncio.Protocol):
        def connection_made(self, transport: asyncio.BaseTransport) -> None:
            accepted = transport.get_extra_info("socket")
            seen.append(accepted.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
            transport.close()

    async def connect_once() -> None:
        with listening_socket("127.0.0.1", 0) as sock:
            server = await asyncio.get_running_loop().create_server(Probe, sock=sock)
            _, writer = await asyncio.open_connection(*sock.getsockname())
            await asyncio.sleep(0.1)
            writer.close()
            server.close()
            await server.wait_closed()

    asyncio.run(connect_once())

    assert seen == [1]
