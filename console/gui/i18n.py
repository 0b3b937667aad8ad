"""Load the shipped translations (Gridwatch's own and Qt's) for the chosen language."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from console.resources import RESOURCES_DIR

LANGUAGES = ("zh_CN", "en")


def system_language() -> str:
    """zh_CN when the system locale is Chinese, otherwise English."""
    return "zh_CN" if QLocale.system().language() == QLocale.Language.Chinese else "en"


def install_translators(app: QCoreApplication, lang: str) -> list[QTranslator]:
    """Install Gridwatch's and Qt's translators for ``lang``; returns them so they stay alive."""
    installed = []
    ours = QTranslator(app)
    if ours.load(str(RESOURCES_DIR / "i18n" / f"gridwatch_{lang}.qm")):
        app.installTranslator(ours)
        installed.append(ours)
    elif lang != "en":
        raise FileNotFoundError(f"translation for {lang} is missing from {RESOURCES_DIR / 'i18n'}")
    if lang != "en":
        qt_translator = QTranslator(app)
        if qt_translator.load(f"qtbase_{lang}", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
            app.installTranslator(qt_translator)
            installed.append(qt_translator)
    QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China) if lang == "zh_CN"
                       else QLocale(QLocale.Language.English, QLocale.Country.UnitedKingdom))
    return installed
