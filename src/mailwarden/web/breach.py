"""The data protection officer's breach workflow (`/breaches`).

(No `from __future__ import annotations` here: FastAPI reads the routes' annotations.)
"""

from fastapi import APIRouter

router = APIRouter()
