from fastapi import APIRouter

router = APIRouter(prefix="/items")


@router.get("/{item_id}")
def read_item(item_id: int):
    return {"id": item_id}


@router.put("/{item_id}")
def update_item(item_id: int):
    return {"id": item_id}
