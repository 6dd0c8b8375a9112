"""The dashboard (`/dashboard`): what was checked, held, released and rejected.

(No `from __future__ import annotations` here: FastAPI reads the routes' annotations.)
"""

from fastapi import APIRouter

router = APIRouter()
