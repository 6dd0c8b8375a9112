"""The sender's page behind a hold notice's signed link (`/notice/TOKEN`).

(No `from __future__ import annotations` here: FastAPI reads the routes' annotations.)
"""

from fastapi import APIRouter

router = APIRouter()
