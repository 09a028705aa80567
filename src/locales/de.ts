/** German. Typed by `SignetLocale`, so a string missing here (or one too many) fails to compile. */
import type { SignetLocale } from './en.js';

export const de: SignetLocale = {
  language: 'de',
  direction: 'ltr',
  openButton: 'Dateien hochladen',
  dashboardNote: '',
  dialog: {
    title: 'Dateien hochladen',
    close: 'Schließen',
    busyTitle: 'Dateien werden noch hochgeladen',
    busyText:
      'Wenn Sie dieses Fenster schließen, laufen die Uploads weiter; ihre Ergebnisse erscheinen unter der Schaltfläche.',
    keepUploading: 'Schließen, Upload läuft weiter',
    stopUploads: 'Uploads abbrechen und schließen',
    stay: 'Zurück',
  },
  form: {
    required: 'Laden Sie mindestens eine Datei hoch.',
    uploading:
      'Es werden noch Dateien hochgeladen. Warten Sie, bis sie fertig sind, und senden Sie das Formular dann erneut.',
    pending:
      'Einige gewählte Dateien sind noch nicht hochgeladen. Laden Sie sie hoch oder entfernen Sie sie, und senden Sie das Formular dann erneut.',
  },
  options: {
    legend: 'Erweiterte Optionen',
    toggle: 'Erweiterte Optionen',
    publicId: 'Öffentliche ID',
    tags: 'Tags',
    tagsPlaceholder: 'Tag eingeben und Enter drücken',
    removeTag: 'Tag {tag} entfernen',
    folder: 'Ordner',
    uploadPreset: 'Upload-Vorgabe',
    noPreset: 'Standard',
    noneSet: 'Keine Optionen gesetzt',
    lockedReason:
      'Diese Optionen gelten für die bereits gewählten Dateien. Laden Sie sie hoch oder entfernen Sie sie, um die Optionen zu ändern.',
    lockedError:
      'Optionen lassen sich nicht ändern, solange Dateien in der Warteschlange sind; laden Sie sie zuerst hoch oder entfernen Sie sie.',
  },
  rules: {
    PUBLIC_ID_INVALID:
      'Eine öffentliche ID darf Buchstaben, Ziffern, „_“, „-“ und „.“ enthalten, in Teilen getrennt durch einzelne „/“, bis zu {publicIdLength} Zeichen.',
    FOLDER_INVALID:
      'Ein Ordner darf nur Buchstaben, Ziffern, „-“ und „_“ enthalten, in Teilen getrennt durch einzelne „/“, bis zu {folderLength} Zeichen.',
    TAG_INVALID: 'Ein Tag hat 1 bis {tagLength} Zeichen ohne „,“ oder „|“; höchstens {tagCount} Tags.',
    CONTEXT_INVALID:
      'Metadaten haben die Form schlüssel=wert|schlüssel2=wert2; Schlüssel aus Buchstaben, Ziffern, „_“, „-“ und „.“; höchstens {contextLength} Zeichen.',
    PARAM_INVALID: 'Der Name einer Upload-Vorgabe besteht nur aus Buchstaben, Ziffern, „_“ und „-“.',
  },
  limits: {
    anyType: 'Alle Dateitypen',
    types: 'Erlaubt: {types}',
    image: 'Bilder',
    video: 'Videos',
    audio: 'Audio',
    text: 'Textdateien',
    size: 'Bis {size} je Datei',
    oneFile: 'Eine Datei',
    files: 'Bis zu {count} Dateien',
  },
  batchCancelled: {
    INVALID_PUBLIC_ID: 'Die öffentliche ID ist ungültig, daher wurden keine Dateien hinzugefügt.',
    INVALID_FOLDER_NAME: 'Ein Ordnername ist ungültig, daher wurden keine Dateien hinzugefügt.',
    INVALID_TAG: 'Ein Tag ist ungültig, daher wurden keine Dateien hinzugefügt.',
    INVALID_CONTEXT: 'Die Metadaten (schlüssel=wert) sind ungültig, daher wurden keine Dateien hinzugefügt.',
    INVALID_UPLOAD_PRESET: 'Die Upload-Vorgabe ist ungültig, daher wurden keine Dateien hinzugefügt.',
    MAX_EXCEEDED: 'Zu viele Dateien.',
  },
  outcomes: {
    heading: 'Ergebnisse',
    uploaded: 'Hochgeladen',
    existing: 'Bereits vorhanden',
    existingDetail:
      'Unter dieser öffentlichen ID war schon eine Datei gespeichert; sie wurde behalten, diese hier nicht gespeichert. Wählen Sie eine andere öffentliche ID, um beide zu behalten.',
    refused: 'Nicht angenommen',
    notAdded: 'Nicht hinzugefügt',
    failed: 'Fehlgeschlagen',
    retry: 'Erneut versuchen',
    retryLabel: '{name} erneut versuchen',
    remove: 'Entfernen',
    removeLabel: '{name} entfernen',
    code: 'Code {code}',
    clear: 'Ergebnisse leeren',
    uploadingOne: '1 Datei wird hochgeladen …',
    uploadingMany: '{count} Dateien werden hochgeladen …',
    summaryUploaded: 'Hochgeladen: {count}',
    summaryExisting: 'Bereits vorhanden: {count}',
    summaryRefused: 'Nicht angenommen: {count}',
    summaryNotAdded: 'Nicht hinzugefügt: {count}',
    summaryFailed: 'Fehlgeschlagen (wiederholbar): {count}',
    summaryHeld: 'Zurückgehalten: {count}',
  },
  folders: {
    held: 'Ordner „{folder}“ wurde zurückgehalten ({files}): Ordnernamen dürfen nur Buchstaben, Ziffern, „-“ und „_“ enthalten.',
    fix: 'In „{suggestion}“ umbenennen und hinzufügen',
    fileOne: '1 Datei',
    fileMany: '{count} Dateien',
  },
  restrictions: {
    FILE_TOO_LARGE: 'Sie ist größer als die Grenze von {size}.',
    TYPE_NOT_ALLOWED: 'Dateien dieses Typs werden hier nicht angenommen ({types}).',
    MAX_EXCEEDED: 'Es können höchstens {count} Dateien auf einmal hochgeladen werden.',
    MAX_ONE: 'Es kann nur eine Datei auf einmal hochgeladen werden.',
    DUPLICATE: 'Sie ist bereits in der Liste.',
  },
  remote: {
    malformedUrl:
      'Das ist kein Link auf eine Datei. Fügen Sie eine vollständige Adresse ein, die mit https:// beginnt.',
    importFailed: 'Dieser Link konnte nicht importiert werden. Prüfen Sie ihn und versuchen Sie es erneut.',
    connectionFailed: 'Der Importdienst ist nicht erreichbar. Versuchen Sie es gleich noch einmal.',
  },
  errors: {
    SIGNATURE_INVALID: 'Der Upload wurde abgelehnt: seine Freigabe passte nicht.',
    SIGNATURE_EXPIRED: 'Die Freigabe des Uploads war abgelaufen, bevor er ankam.',
    SIGNATURE_REPLAYED: 'Die Freigabe des Uploads war schon verwendet worden.',
    PARAM_NOT_ALLOWED: 'Der Upload verlangte eine Option, die dieser Server nicht erlaubt.',
    PARAM_DUPLICATE: 'Der Upload nannte eine Option doppelt.',
    PARAM_INVALID: 'Der Upload enthielt eine Option, die der Server nicht lesen konnte.',
    UNAUTHENTICATED: 'Sie sind nicht angemeldet, oder Ihre Sitzung ist abgelaufen.',
    FORBIDDEN_FOLDER: 'Sie dürfen nicht in diesen Ordner hochladen.',
    CSRF_FAILED: 'Die Anfrage kam nicht von dieser Seite und wurde abgelehnt.',
    HOST_NOT_ALLOWED: 'Der Upload-Server bedient diese Adresse nicht.',
    RATE_LIMITED: 'Zu viele Uploads in kurzer Zeit.',
    FILE_TOO_LARGE: 'Sie ist größer, als der Server annimmt.',
    FILE_MISSING: 'Mit dem Upload kam keine Datei an.',
    TYPE_NOT_ALLOWED: 'Dateien dieses Typs werden nicht angenommen.',
    TYPE_MISMATCH: 'Ihr Inhalt passt nicht zu ihrem Namen oder Typ.',
    PUBLIC_ID_INVALID: 'Die öffentliche ID ist ungültig.',
    FOLDER_INVALID: 'Der Ordnername ist ungültig.',
    TAG_INVALID: 'Ein Tag ist ungültig.',
    CONTEXT_INVALID: 'Die Metadaten sind ungültig.',
    IMAGE_TOO_LARGE_PIXELS: 'Das Bild hat mehr Pixel, als der Server annimmt.',
    PDF_ENCRYPTED:
      'Dieses PDF ist mit einem Passwort geschützt; das können wir nicht annehmen. Öffnen Sie es, speichern oder drucken Sie es als PDF ohne Passwort und laden Sie diese Kopie hoch.',
    PDF_UNREADABLE:
      'Dieses PDF ließ sich nicht lesen; es ist womöglich beschädigt. Speichern Sie es im Programm, das es erstellt hat, neu und versuchen Sie es erneut.',
    URL_FORBIDDEN: 'Diese Adresse kann nicht importiert werden: sie zeigt in ein privates oder lokales Netz.',
    URL_UNREACHABLE:
      'Die Datei unter dieser Adresse konnte nicht abgerufen werden. Prüfen Sie den Link und versuchen Sie es erneut.',
    PROVIDER_AUTH_FAILED: 'Die Anmeldung beim Dateidienst wurde abgelehnt oder ist abgelaufen. Verbinden Sie sich neu.',
    CHUNK_INVALID: 'Ein Teil der Datei kam beschädigt oder an falscher Stelle an.',
    CHUNK_FORBIDDEN: 'Ein Teil der Datei wurde abgelehnt.',
    UPLOAD_EXPIRED: 'Der Upload dauerte zu lange und wurde verworfen.',
    STORAGE_FULL: 'Der Server konnte die Datei nicht speichern.',
    REQUEST_TIMEOUT: 'Der Upload brauchte zu lange.',
    BAD_REQUEST: 'Der Server konnte den Upload nicht verstehen.',
    NOT_FOUND: 'Die Upload-Adresse wurde nicht gefunden.',
    METHOD_NOT_ALLOWED: 'Die Upload-Adresse nimmt keine Uploads an.',
    INTERNAL: 'Der Server hatte ein Problem mit diesem Upload.',
    SIGNING_FAILED: 'Der Upload konnte nicht freigegeben werden: der Signaturdienst der Seite hat nicht geantwortet.',
    NETWORK_ERROR: 'Der Upload-Server ist nicht erreichbar. Prüfen Sie die Verbindung und versuchen Sie es erneut.',
    ABORTED: 'Der Upload wurde abgebrochen.',
    RESTRICTED: 'Diese Datei kann nicht hinzugefügt werden.',
    OPTIONS_LOCKED:
      'Optionen lassen sich nicht ändern, solange Dateien in der Warteschlange sind; laden Sie sie zuerst hoch oder entfernen Sie sie.',
    UNKNOWN: 'Der Upload ist fehlgeschlagen ({status}).',
  },
  advice: {
    FILE_TOO_LARGE: 'Wählen Sie eine kleinere Datei, oder komprimieren Sie sie vorher.',
    TYPE_NOT_ALLOWED: 'Wählen Sie eine Datei eines Typs, den diese Seite annimmt.',
    TYPE_MISMATCH: 'Prüfen Sie, ob es die gemeinte Datei ist, im Format, das ihr Name angibt.',
    IMAGE_TOO_LARGE_PIXELS: 'Verkleinern Sie das Bild und laden Sie es erneut hoch.',
    FORBIDDEN_FOLDER:
      'Wählen Sie einen Ordner, in den Sie hochladen dürfen, oder bitten Sie eine Administratorin um Zugang.',
    PUBLIC_ID_INVALID:
      'Korrigieren Sie die öffentliche ID in den erweiterten Optionen und fügen Sie die Datei erneut hinzu.',
    FOLDER_INVALID: 'Korrigieren Sie den Ordner in den erweiterten Optionen und fügen Sie die Datei erneut hinzu.',
    TAG_INVALID: 'Korrigieren Sie die Tags in den erweiterten Optionen und fügen Sie die Datei erneut hinzu.',
    CONTEXT_INVALID: 'Korrigieren Sie die Metadaten und fügen Sie die Datei erneut hinzu.',
    UNAUTHENTICATED: 'Melden Sie sich erneut an und fügen Sie die Datei erneut hinzu.',
    SIGNATURE_INVALID:
      'Diese Seite konnte den Upload nicht freigeben. Laden Sie sie neu; hilft das nicht, informieren Sie die Betreiber der Seite.',
    PARAM_NOT_ALLOWED:
      'Diese Seite verlangte eine Option, die sie nicht setzen darf. Informieren Sie die Betreiber der Seite.',
    URL_FORBIDDEN: 'Verwenden Sie die öffentliche Adresse der Datei.',
    PROVIDER_AUTH_FAILED: 'Wählen Sie die Datei dann erneut.',
    RATE_LIMITED: 'Warten Sie einen Moment und versuchen Sie es dann erneut.',
    STORAGE_FULL: 'Der Server hat keinen Platz mehr. Versuchen Sie es später erneut.',
  },
  uppy: {
    dashboardTitle: 'Datei-Upload',
    dashboardWindowTitle: 'Datei-Upload',
    // The pack names a `%{browse}` the Dashboard of Uppy 6 no longer fills.
    dropPasteImportBoth:
      'Dateien hier ablegen/einfügen, %{browseFiles}, %{browseFolders} oder von folgenden Quellen importieren:',
    pluginNameUrl: 'Link',
    error: 'Fehler',
    dataUploadedOfUnknown: '%{complete} von unbekannt',
    uploadStalled:
      'Der Upload hat seit %{seconds} Sekunden keinen Fortschritt gemacht. Versuchen Sie es gegebenenfalls erneut.',
    showErrorDetails: 'Fehlerdetails anzeigen',
    pleaseWait: 'Bitte warten',
    logIn: 'Anmelden',
    search: 'Suchen',
    unnamed: 'Unbenannt',
  },
};
