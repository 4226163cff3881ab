"""The certification reads of a request (shared by the layout and the callbacks)."""
from __future__ import annotations

from services.certification_reads import CertificationReads
from web.request_context import Request


def reads_of(request: Request) -> CertificationReads:
    """The certification reads of the request's selection and user (each part loaded once)."""
    return CertificationReads(request.session, request.scope, request.principal)
