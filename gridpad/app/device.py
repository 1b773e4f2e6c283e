"""What the settings screen tells about this device."""

from __future__ import annotations

from dataclasses import dataclass

from gridpad.app.lock_settings import LockSettings, read_lock_settings
from gridpad.store import repo
from gridpad.store.db import Store
from gridpad.store.device_meta import DeviceMeta


@dataclass(frozen=True)
class DeviceInfo:
    device_id: str  # as enrolled, else this database's own id
    user: str
    role: str
    grids: list[str]  # "name (code)", or the code when this tablet has no name for it
    server: str
    lock: LockSettings


def device_info(store: Store) -> DeviceInfo:
    meta = DeviceMeta(store)
    names = {str(r["id"]): str(r.get("name") or "") for r in repo.rows(store, "grid")}
    grids = [f"{names[g]} ({g})" if names.get(g) else g for g in meta.grids]
    return DeviceInfo(device_id=meta.enrolled_device_id or store.device_id, user=meta.user_name or "",
                      role=meta.user_role or "", grids=grids, server=meta.server_url or "",
                      lock=read_lock_settings(store))
