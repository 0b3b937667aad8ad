"""Steering a PTZ camera over ONVIF: moves, presets, and clear one-line errors when it cannot be done."""

from __future__ import annotations

import base64
import socket
import time

import pytest

from tests.video.onvif_service import FakeOnvifCamera
from video.ptz import OnvifPtz, PtzError, PtzPreset, password_digest


@pytest.fixture
def camera():
    with FakeOnvifCamera("admin", "secret") as fake:
        yield fake


def test_password_digest_matches_the_onvif_programmers_guide_example():
    nonce = base64.b64decode("LKqI6G/AikKCQrN0zqZFlg==")
    assert password_digest(nonce, "2010-09-16T07:50:45Z", "userpassword") == "tuOSpGlFlIXsozq4HFNeeGeFLEI="


def test_continuous_move_turns_the_camera_until_stop(camera):
    ptz = OnvifPtz(camera.url, "admin", "secret")
    ptz.continuous_move(1.0, -0.5, 0.2)
    time.sleep(0.3)
    ptz.stop()
    pan, tilt, zoom = camera.position()
    assert pan > 0.05 and tilt < -0.02 and zoom > 0.01
    time.sleep(0.15)
    assert camera.position() == (pan, tilt, zoom), "still moving after stop"
    assert ptz.position() == pytest.approx((pan, tilt, zoom), abs=1e-3)
    assert camera.calls[:4] == ["GetSystemDateAndTime", "GetCapabilities", "GetProfiles", "ContinuousMove"]


def test_velocities_are_clamped_to_the_onvif_range(camera):
    ptz = OnvifPtz(camera.url, "admin", "secret")
    ptz.continuous_move(-7, 0)
    time.sleep(0.2)
    ptz.stop()
    assert -0.2 < camera.position()[0] < -0.05  # at most full speed: 0.5 of the range per second


def test_presets_are_stored_listed_and_recalled(camera):
    ptz = OnvifPtz(camera.url, "admin", "secret")
    ptz.continuous_move(0.8, 0.4)
    time.sleep(0.2)
    ptz.stop()
    gate = camera.position()
    token = ptz.set_preset("Gate 东门")
    assert PtzPreset(token, "Gate 东门") in ptz.presets()
    ptz.goto_preset("1")  # the camera's home position
    assert camera.position() == (0.0, 0.0, 0.0)
    ptz.goto_preset(token)
    assert camera.position() == gate
    ptz.relative_zoom(0.25)
    assert camera.position()[2] == pytest.approx(0.25)


def test_an_unknown_preset_is_a_refusal(camera):
    ptz = OnvifPtz(camera.url, "admin", "secret")
    with pytest.raises(PtzError, match="refused GotoPreset: no preset 99") as caught:
        ptz.goto_preset("99")
    assert caught.value.kind == "refused"


@pytest.mark.parametrize("auth_status", [400, 401])
def test_a_wrong_password_says_authentication_failed_without_showing_it(auth_status):
    with FakeOnvifCamera("admin", "secret", auth_status=auth_status) as fake:
        url = fake.url.replace("http://", "http://admin:wrong-pw@")
        with pytest.raises(PtzError, match="authentication failed") as caught:
            OnvifPtz(url).continuous_move(1, 0)
    message = str(caught.value)
    assert caught.value.kind == "auth"
    assert "wrong-pw" not in message and "\n" not in message
    assert f"http://127.0.0.1:{fake.port}/" in message
    assert fake.calls[-1] == "GetProfiles" and fake.position() == (0.0, 0.0, 0.0)


def test_credentials_may_come_in_the_url(camera):
    OnvifPtz(camera.url.replace("http://", "http://admin:secret@")).continuous_move(0.5, 0)
    assert camera.calls[-1] == "ContinuousMove"


def test_a_camera_with_a_wrong_clock_still_accepts_the_password():
    with FakeOnvifCamera("admin", "secret", clock_offset_s=-7200) as fake:
        ptz = OnvifPtz(fake.url, "admin", "secret")
        ptz.continuous_move(0, 1)
        ptz.stop()
        assert fake.calls[-1] == "Stop"


def test_services_are_found_with_get_services_and_behind_nat():
    with FakeOnvifCamera(capabilities=False, xaddr_host="192.168.1.64:80") as fake:
        ptz = OnvifPtz(fake.url, "admin", "secret", timeout_s=1.0)
        assert [p.name for p in ptz.presets()] == ["Home"]
        assert "GetServices" in fake.calls


def test_a_dead_port_fails_fast_with_the_url():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    ptz = OnvifPtz(f"http://admin:secret@127.0.0.1:{port}/onvif/device_service", timeout_s=1.0)
    start = time.monotonic()
    where = f"http://127.0.0.1:{port}/onvif/device_service"
    with pytest.raises(PtzError, match=f"cannot reach the camera at {where}") as caught:
        ptz.stop()
    assert time.monotonic() - start < 1.0
    assert caught.value.kind == "unreachable" and "secret" not in str(caught.value)


def test_a_camera_that_never_answers_times_out_within_the_timeout():
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(1)  # accepts connections (in the kernel) and never answers
        ptz = OnvifPtz(f"http://127.0.0.1:{silent.getsockname()[1]}/onvif/device_service", "admin", "x",
                       timeout_s=0.5)
        start = time.monotonic()
        with pytest.raises(PtzError, match="timed out"):
            ptz.continuous_move(1, 0)
        assert time.monotonic() - start < 1.5


def test_a_url_that_is_not_http_is_refused_at_once():
    with pytest.raises(PtzError, match="not an ONVIF device service URL"):
        OnvifPtz("rtsp://admin:secret@cam/stream")
