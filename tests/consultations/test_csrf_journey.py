"""With CSRF protection on, as in production: a coordinator logs in through the form, finds
the consultations tab, adds a consultation by uploading a CSV file with the page's own token,
fixes a mistake on the way, and reads the new consultation's page."""

from __future__ import annotations

from tests import factories
from tests.conftest import csrf_token_from
from tests.consultations.support import consultation_count, consultations_of, field_error, upload
from tests.organisations.support import follow, link_in, location_path, text_of


def test_adding_a_consultation_through_the_forms_with_csrf_on(csrf_on, make_client, team):
    browser = make_client()
    login_page = browser.get("/login").get_data(as_text=True)
    response = browser.post(
        "/login",
        data={
            "csrf_token": csrf_token_from(login_page),
            "email": team.coordinator.email,
            "password": factories.PASSWORD,
        },
    )
    assert response.status_code == 302

    slug = team.organisation.slug
    overview = browser.get(f"/o/{slug}").get_data(as_text=True)
    listing = browser.get(link_in(overview, f"/o/{slug}/consultations")).get_data(as_text=True)
    new_url = link_in(listing, f"/o/{slug}/consultations/new")
    form_page = browser.get(new_url).get_data(as_text=True)
    token = csrf_token_from(form_page)

    csv = "number,text,kind,word_limit\n1,Agree with a clean air zone?,scale,\n2,Why?,open,200\n"
    fields = {
        "title": "Northtown clean air zone",
        "publisher": "Northtown Council",
        "closes_on": "2027-05-01",
        "description": "",
        "questions_text": "",
    }

    # Without the token nothing is created, whatever else is right.
    refused = browser.post(
        new_url, data={**fields, "questions_file": upload(csv)}, content_type="multipart/form-data"
    )
    assert refused.status_code == 400
    assert consultation_count() == 1

    # A mistake (no publisher): the page comes back with a fresh token and the file's questions.
    response = browser.post(
        new_url,
        data={**fields, "publisher": "", "csrf_token": token, "questions_file": upload(csv)},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert field_error(page, "publisher") == "Enter who published the consultation."
    assert consultation_count() == 1

    response = browser.post(
        new_url,
        data={**fields, "csrf_token": csrf_token_from(page), "questions_file": upload(csv)},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302, text_of(response.get_data(as_text=True))[:600]
    [consultation] = consultations_of(team.organisation)
    assert location_path(response) == f"/o/{slug}/consultations/{consultation.slug}"
    detail = text_of(follow(browser, response).get_data(as_text=True))
    assert "“Northtown clean air zone” is added with 2 questions" in detail
    assert "1. Agree with a clean air zone?" in detail
    assert "Closes on 1 May 2027" in detail
    assert "Up to 200 words" in detail
