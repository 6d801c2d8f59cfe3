"""Authenticated by default: every route is either on the public list or answers 401."""

import re

from server.api.security import FRAMEWORK_PUBLIC_ENDPOINTS, is_public_endpoint

# The whole allow-list. Adding a public endpoint means adding it here, on purpose.
PUBLIC = {
    "health.healthz",
    "health.readyz",
    "auth.wechat_login",
    "auth.dev_login",
    "auth.refresh",
    "regions.list_regions",
    "regions.get_region",
    "assistance.list_programs",
    "assistance.check_eligibility",
    "public.list_notices",
    "facilities.nearby",
    "facilities.list_facilities",
    "facilities.get_facility",
    "emergencies.active_emergencies",
    "charity.list_campaigns",
    "charity.get_campaign",
    "charity.list_units",
    "public_charity.campaign_report",
}


def test_the_public_endpoints_are_exactly_the_allow_list(app):
    public = {
        endpoint
        for endpoint in app.view_functions
        if is_public_endpoint(app, endpoint) and endpoint not in FRAMEWORK_PUBLIC_ENDPOINTS
    }
    assert public == PUBLIC


def test_every_other_route_answers_401_without_a_token(app, client):
    checked = 0
    for rule in app.url_map.iter_rules():
        if is_public_endpoint(app, rule.endpoint):
            continue
        path = re.sub(r"<(?:[^:>]+:)?([^>]+)>", "1", rule.rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            response = client.open(path, method=method, json={})
            assert response.status_code == 401, f"{method} {rule.rule} is not protected"
            checked += 1
    assert checked >= 3
