"""help.*: the config that names this DC and its peers (``LocalDC(peers=...)``)."""

from __future__ import annotations

import time

from ..context import Context, Handler, handler_table
from ..tlobjects import functions, types

__all__ = ["HANDLERS", "PUBLIC"]


async def get_config(ctx: Context, req: functions.help.GetConfig) -> types.Config:
    dc = ctx.dc
    now = int(time.time())
    options = [types.DcOption(id=dc.dc_id, ip_address=dc.host, port=dc.port)]
    for peer_id, (host, port) in sorted(dc.peers.items()):
        options.append(types.DcOption(id=peer_id, ip_address=host, port=port))
    return types.Config(
        date=now,
        expires=now + 3600,
        test_mode=dc.test_mode,
        this_dc=dc.dc_id,
        dc_options=options,
        dc_txt_domain_name="localhost",
        chat_size_max=200,
        megagroup_size_max=200000,
        forwarded_count_max=100,
        online_update_period_ms=210000,
        offline_blur_timeout_ms=5000,
        offline_idle_timeout_ms=30000,
        online_cloud_timeout_ms=300000,
        notify_cloud_delay_ms=30000,
        notify_default_delay_ms=1500,
        push_chat_period_ms=60000,
        push_chat_limit=2,
        edit_time_limit=172800,
        revoke_time_limit=2147483647,
        revoke_pm_time_limit=2147483647,
        rating_e_decay=2419200,
        stickers_recent_limit=200,
        channels_read_media_period=604800,
        call_receive_timeout_ms=20000,
        call_ring_timeout_ms=90000,
        call_connect_timeout_ms=30000,
        call_packet_timeout_ms=10000,
        me_url_prefix="https://t.me/",
        caption_length_max=1024,
        message_length_max=4096,
        webfile_dc_id=dc.dc_id,
    )


async def get_nearest_dc(ctx: Context, req: functions.help.GetNearestDc) -> types.NearestDc:
    return types.NearestDc(country="ZZ", this_dc=ctx.dc.dc_id, nearest_dc=ctx.dc.dc_id)


HANDLERS: dict[str, Handler] = handler_table(
    {
        functions.help.GetConfig: get_config,
        functions.help.GetNearestDc: get_nearest_dc,
    }
)
PUBLIC = set(HANDLERS)
