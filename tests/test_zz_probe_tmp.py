import json
from tests.test_api import *
def test_probe(demo, api):
    api.credentials(HTTP_AUTHORIZATION="Token 0000000000000000000000000000000000000000")
    print(api.get("/api/projects/").json())
    api.credentials()
    print(api.get("/api/projects/").json())
    print(api.post("/api/auth/token/", {"username": "app_campus_yizhou", "password": "bad"}, format="json").json())
    api.force_authenticate(demo.user("eco_admin"))
    p = api.get("/api/schema/", {"format": "json"}).json()["paths"]
    print(json.dumps(p["/api/projects/{id}/transitions/{name}/"], ensure_ascii=False)[:3000])
    print(list(p))
