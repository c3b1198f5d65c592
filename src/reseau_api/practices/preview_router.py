"""`POST /v1/bonnes-pratiques/apercu`: the sanitised HTML a practice's Markdown would be stored as, for
an editor's live preview. Nothing is stored."""

from fastapi import APIRouter, Response
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from reseau_api.core.auth import CurrentMember
from reseau_api.core.openapi import problem_responses
from reseau_api.core.validation import WriteModel
from reseau_api.practices import rendering

router = APIRouter(tags=["bonnes-pratiques"])


class PreviewRequest(WriteModel):
    contenu: str = Field(max_length=50_000, description="CommonMark Markdown, as in a practice's `contenu`")


class PreviewRead(BaseModel):
    contenu_html: str = Field(description="The sanitised HTML, exactly as a stored practice would serve it")


@router.post("/bonnes-pratiques/apercu", response_model=PreviewRead, summary="Preview a practice's Markdown",
             responses=problem_responses(401, 413))
async def preview_practice(_member: CurrentMember, data: PreviewRequest, response: Response) -> PreviewRead:
    """Renders Markdown with the renderer of stored practices (raw HTML shown as text, allow-listed tags,
    http/https/mailto links only). Needs a key (any role): rendering costs CPU, and only editors need it."""
    response.headers["Cache-Control"] = "private, no-store"
    return PreviewRead(contenu_html=await run_in_threadpool(rendering.render, data.contenu))
