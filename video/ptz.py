"""Pan, tilt and zoom a camera over ONVIF: SOAP 1.2 over HTTP with WS-Security user name tokens (stdlib only)."""

from __future__ import annotations

import base64
import hashlib
import http.client
import os
import threading
import time
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET
from calendar import timegm
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit, urlunsplit
from xml.sax.saxutils import escape, quoteattr

NS = {
    "s": "http://www.w3.org/2003/05/soap-envelope",
    "tds": "http://www.onvif.org/ver10/device/wsdl",
    "trt": "http://www.onvif.org/ver10/media/wsdl",
    "tptz": "http://www.onvif.org/ver20/ptz/wsdl",
    "tt": "http://www.onvif.org/ver10/schema",
    "wsse": "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd",
    "wsu": "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd",
}
PASSWORD_DIGEST = ("http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0"
                   "#PasswordDigest")
NONCE_BASE64 = ("http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-soap-message-security-1.0"
                "#Base64Binary")
MAX_ANSWER = 1 << 20
_AUTH_FAILED = "authentication failed at {}: the camera refused the user name or password"
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # cameras are on the LAN: no proxy
_ENVELOPE = ('<?xml version="1.0" encoding="UTF-8"?>\n<s:Envelope '
             + " ".join(f'xmlns:{p}="{uri}"' for p, uri in NS.items() if p not in ("wsse", "wsu"))
             + "><s:Header>{header}</s:Header><s:Body>{body}</s:Body></s:Envelope>")


class PtzError(Exception):
    """A PTZ command failed; the message is one line and shows the camera's URL without credentials.

    ``kind`` says why: "unreachable" (no connection, timed out), "auth" (user name or
    password refused), "refused" (the camera answered with a SOAP fault) or "protocol"
    (not an ONVIF answer, or one without what was asked for).
    """

    def __init__(self, message: str, kind: str = "protocol"):
        super().__init__(message)
        self.kind = kind


@dataclass(frozen=True)
class PtzPreset:
    """A position stored in the camera, recalled by its token."""

    token: str
    name: str


def password_digest(nonce: bytes, created: str, password: str) -> str:
    """WS-Security PasswordDigest: base64(sha1(nonce + created + password))."""
    return base64.b64encode(hashlib.sha1(nonce + created.encode() + password.encode()).digest()).decode()


def without_credentials(url: str) -> str:
    """``url`` without user name and password: the address requests go to, and what messages show."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    netloc = host + (f":{parts.port}" if parts.port else "")
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, ""))


class OnvifPtz:
    """An ONVIF camera's PTZ service, found from its device service URL.

    ``service_url`` is the device service (``http://host:port/onvif/device_service``);
    a user name and password may also come in it (``http://user:pass@host/...``).
    Nothing goes over the network until the first command, which asks the device
    for its clock (so WS-Security timestamps match a camera whose clock is wrong),
    finds the PTZ and media services (GetCapabilities, else GetServices) and picks
    the first media profile with a PTZ configuration (GetProfiles).  Service
    addresses that name another host than ``service_url`` (a camera behind NAT
    reporting its private address) are reached at ``service_url``'s host and port.
    Every network wait is bounded by ``timeout_s``.  Commands block until the camera
    answers, so call them off the GUI thread; commands from several threads are
    serialised.
    """

    def __init__(self, service_url: str, username: str = "", password: str = "", timeout_s: float = 3.0):
        parts = urlsplit(service_url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise PtzError(f"not an ONVIF device service URL: {without_credentials(service_url)}")
        self.username = username or unquote(parts.username or "")
        self.password = password or unquote(parts.password or "")
        self.url = without_credentials(service_url)
        self.timeout_s = timeout_s
        self._lock = threading.Lock()
        self._clock_offset = 0.0
        self._ptz_url: str | None = None
        self._media_url: str | None = None
        self._profile: str | None = None

    # -- commands ------------------------------------------------------------------------------
    def continuous_move(self, pan: float, tilt: float, zoom: float = 0.0) -> None:
        """Start moving at these velocities (each clamped to [-1, 1]) until ``stop``."""
        pan, tilt, zoom = (min(max(float(v), -1.0), 1.0) for v in (pan, tilt, zoom))
        self._ptz("ContinuousMove", f'<tptz:Velocity><tt:PanTilt x="{pan:.4f}" y="{tilt:.4f}"/>'
                                    f'<tt:Zoom x="{zoom:.4f}"/></tptz:Velocity>')

    def stop(self) -> None:
        """Stop panning, tilting and zooming."""
        self._ptz("Stop", "<tptz:PanTilt>true</tptz:PanTilt><tptz:Zoom>true</tptz:Zoom>")

    def relative_zoom(self, amount: float) -> None:
        """Zoom in (> 0) or out (< 0) by ``amount`` of the zoom range."""
        self._ptz("RelativeMove", f'<tptz:Translation><tt:Zoom x="{float(amount):.4f}"/></tptz:Translation>')

    def presets(self) -> list[PtzPreset]:
        """The positions stored in the camera."""
        answer = self._ptz("GetPresets")
        return [PtzPreset(p.get("token", ""), p.findtext("tt:Name", "", NS)) for p in answer.findall("tptz:Preset", NS)]

    def goto_preset(self, token: str) -> None:
        """Move to a stored position."""
        self._ptz("GotoPreset", f"<tptz:PresetToken>{escape(token)}</tptz:PresetToken>")

    def set_preset(self, name: str) -> str:
        """Store the current position as ``name``; returns the new preset's token."""
        answer = self._ptz("SetPreset", f"<tptz:PresetName>{escape(name)}</tptz:PresetName>")
        token = answer.findtext("tptz:PresetToken", None, NS)
        if not token:
            raise PtzError(f"camera at {self.url} stored preset {name!r} but gave no token")
        return token

    def position(self) -> tuple[float, float, float]:
        """(pan, tilt, zoom) as the camera reports them (GetStatus)."""
        status = self._ptz("GetStatus").find("tptz:PTZStatus/tt:Position", NS)
        pan_tilt = status.find("tt:PanTilt", NS) if status is not None else None
        zoom = status.find("tt:Zoom", NS) if status is not None else None
        try:
            return (float(pan_tilt.get("x")), float(pan_tilt.get("y")),
                    float(zoom.get("x")) if zoom is not None else 0.0)
        except (AttributeError, TypeError, ValueError):
            raise PtzError(f"camera at {self.url} did not report its position") from None

    # -- discovery -----------------------------------------------------------------------------
    def _ptz(self, operation: str, arguments: str = "") -> ET.Element:
        with self._lock:
            if self._profile is None:
                self._discover()
            body = (f"<tptz:{operation}><tptz:ProfileToken>{escape(self._profile)}</tptz:ProfileToken>"
                    f"{arguments}</tptz:{operation}>")
            return self._call(self._ptz_url, "tptz", operation, body)

    def _discover(self) -> None:
        device = self._service_url(self.url)
        self._sync_clock(device)
        try:
            caps = self._call(device, "tds", "GetCapabilities",
                              "<tds:GetCapabilities><tds:Category>All</tds:Category></tds:GetCapabilities>")
            ptz, media = caps.findtext(".//tt:PTZ/tt:XAddr", None, NS), caps.findtext(".//tt:Media/tt:XAddr", None, NS)
        except PtzError as error:
            if error.kind != "refused":
                raise
            ptz = media = None
        if not ptz or not media:
            services = self._call(device, "tds", "GetServices", "<tds:GetServices><tds:IncludeCapability>false"
                                                                "</tds:IncludeCapability></tds:GetServices>")
            found = {s.findtext("tds:Namespace", "", NS): s.findtext("tds:XAddr", "", NS)
                     for s in services.findall("tds:Service", NS)}
            ptz, media = ptz or found.get(NS["tptz"]), media or found.get(NS["trt"])
        if not ptz:
            raise PtzError(f"camera at {self.url} has no PTZ service")
        if not media:
            raise PtzError(f"camera at {self.url} has no media service")
        self._ptz_url, self._media_url = self._service_url(ptz), self._service_url(media)
        profiles = self._call(self._media_url, "trt", "GetProfiles", "<trt:GetProfiles/>").findall("trt:Profiles", NS)
        with_ptz = [p for p in profiles if p.find("tt:PTZConfiguration", NS) is not None]
        chosen = (with_ptz or profiles)[:1]
        if not chosen or not chosen[0].get("token"):
            raise PtzError(f"camera at {self.url} has no media profile")
        self._profile = chosen[0].get("token")

    def _service_url(self, xaddr: str) -> str:
        """``xaddr`` as reachable from here: on the configured host unless it names that host itself."""
        given, found = urlsplit(self.url), urlsplit(xaddr.strip())
        if found.hostname and found.hostname == given.hostname:
            return urlunsplit((found.scheme, found.netloc, found.path, found.query, ""))
        return urlunsplit((given.scheme, given.netloc, found.path or given.path, found.query, ""))

    def _sync_clock(self, device: str) -> None:
        """Measure how far the camera's clock is from ours (GetSystemDateAndTime needs no credentials)."""
        try:
            answer = self._call(device, "tds", "GetSystemDateAndTime", "<tds:GetSystemDateAndTime/>", signed=False)
        except PtzError as error:
            if error.kind == "unreachable":
                raise
            return
        utc = answer.find(".//tt:UTCDateTime", NS)
        if utc is None:
            return
        try:
            parts = [int(utc.findtext(f"tt:{a}/tt:{b}", "", NS)) for a, b in
                     (("Date", "Year"), ("Date", "Month"), ("Date", "Day"),
                      ("Time", "Hour"), ("Time", "Minute"), ("Time", "Second"))]
        except ValueError:
            return
        self._clock_offset = timegm((*parts, 0, 0, 0)) - time.time()

    # -- SOAP ----------------------------------------------------------------------------------
    def _security(self) -> str:
        if not self.username:
            return ""
        nonce = os.urandom(16)
        created = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + self._clock_offset))
        return (f'<wsse:Security s:mustUnderstand="1" xmlns:wsse="{NS["wsse"]}" xmlns:wsu="{NS["wsu"]}">'
                f"<wsse:UsernameToken><wsse:Username>{escape(self.username)}</wsse:Username>"
                f"<wsse:Password Type={quoteattr(PASSWORD_DIGEST)}>"
                f"{password_digest(nonce, created, self.password)}</wsse:Password>"
                f"<wsse:Nonce EncodingType={quoteattr(NONCE_BASE64)}>{base64.b64encode(nonce).decode()}</wsse:Nonce>"
                f"<wsu:Created>{created}</wsu:Created></wsse:UsernameToken></wsse:Security>")

    def _call(self, url: str, prefix: str, operation: str, body: str, signed: bool = True) -> ET.Element:
        """Send one SOAP request; returns the answer's body element or raises PtzError."""
        envelope = _ENVELOPE.format(header=self._security() if signed else "", body=body).encode()
        action = f"{NS[prefix]}/{operation}"
        request = urllib.request.Request(url, data=envelope, method="POST", headers={
            "Content-Type": f'application/soap+xml; charset=utf-8; action="{action}"'})
        where = without_credentials(url)
        try:
            with _OPENER.open(request, timeout=self.timeout_s) as response:
                status, data = response.status, response.read(MAX_ANSWER)
        except urllib.error.HTTPError as error:
            with error:
                status, data = error.code, error.read(MAX_ANSWER)
        except urllib.error.URLError as error:
            raise PtzError(f"cannot reach the camera at {where}: {_reason(error.reason)}", "unreachable") from None
        except (OSError, http.client.HTTPException) as error:
            raise PtzError(f"cannot reach the camera at {where}: {_reason(error)}", "unreachable") from None
        try:
            root = ET.fromstring(data)
        except ET.ParseError:
            root = None
        fault = root.find("s:Body/s:Fault", NS) if root is not None else None
        if fault is not None:
            codes = " ".join(v.text or "" for v in fault.iter(f"{{{NS['s']}}}Value"))
            reason = " ".join((fault.findtext("s:Reason/s:Text", "", NS) or "").split())
            if "NotAuthorized" in codes or status == 401:
                raise PtzError(_AUTH_FAILED.format(where), "auth")
            raise PtzError(f"camera at {where} refused {operation}: {reason or codes}", "refused")
        if status == 401:
            raise PtzError(_AUTH_FAILED.format(where), "auth")
        answer = root.find("s:Body", NS) if root is not None else None
        if status != 200 or answer is None:
            raise PtzError(f"camera at {where} gave no SOAP answer to {operation} (HTTP {status})")
        return answer[0] if len(answer) else answer


def _reason(error: object) -> str:
    if isinstance(error, TimeoutError) or "timed out" in str(error):
        return "timed out"
    if isinstance(error, ConnectionRefusedError):
        return "connection refused"
    return " ".join(str(error).split()) or type(error).__name__
