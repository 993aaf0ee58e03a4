; Inno Setup 6 script: a per-user installer for the one-folder Windows build.
; It needs no admin rights and writes only to the user's profile: the app to
; %LOCALAPPDATA%\Programs\Mission Desktop, a Start-menu entry, and HKCU\Software\Classes.
; Build the folder first (bash resources/packaging/build.sh dist), then:
;   iscc /DSourceDir=C:\path\to\dist\mission-desktop /DAppVersion=0.1.0 mission-desktop.iss
; CI does both: .github/workflows/windows-installer.yml.
;
; File type: Windows picks a file's handler by its LAST extension, so a *.mission.json
; file is a ".json" file to Explorer. The installer does not take .json over; it offers
; Mission Desktop in ".json -> Open with" (OpenWithProgids); choose it with "Always" once
; and double-click then opens scenarios in the running app (or starts it).

#define AppName "Mission Desktop"
#define AppExe "mission-desktop.exe"
#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif
#ifndef SourceDir
  #define SourceDir AddBackslash(SourcePath) + "..\..\..\dist\mission-desktop"
#endif
#ifndef OutputDir
  #define OutputDir AddBackslash(SourcePath) + "..\..\..\dist"
#endif

[Setup]
AppId={{6F1C2B7E-3A54-4F0B-9D8E-2C7A61D5B0A4}
AppName={#AppName}
AppVersion={#AppVersion}
AppPublisher={#AppName}
DefaultDirName={localappdata}\Programs\{#AppName}
DisableDirPage=auto
DisableProgramGroupPage=yes
PrivilegesRequired=lowest
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
ChangesAssociations=yes
OutputDir={#OutputDir}
OutputBaseFilename=mission-desktop-{#AppVersion}-setup
SetupIconFile=..\icons\mission-desktop.ico
UninstallDisplayIcon={app}\{#AppExe}
UninstallDisplayName={#AppName}
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
Source: "{#SourceDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[InstallDelete]
; a previous version's bundled libraries: the folder is replaced, not merged
Type: filesandordirs; Name: "{app}\_internal"

[Icons]
Name: "{userprograms}\{#AppName}"; Filename: "{app}\{#AppExe}"
Name: "{userdesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; Tasks: desktopicon

[Registry]
; the scenario file type, for this user only (HKCU\Software\Classes)
Root: HKCU; Subkey: "Software\Classes\MissionDesktop.Scenario"; ValueType: string; ValueName: ""; ValueData: "Mission Desktop scenario"; Flags: uninsdeletekey
Root: HKCU; Subkey: "Software\Classes\MissionDesktop.Scenario\DefaultIcon"; ValueType: string; ValueName: ""; ValueData: "{app}\{#AppExe},0"
Root: HKCU; Subkey: "Software\Classes\MissionDesktop.Scenario\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\{#AppExe}"" ""%1"""
Root: HKCU; Subkey: "Software\Classes\.json\OpenWithProgids"; ValueType: string; ValueName: "MissionDesktop.Scenario"; ValueData: ""; Flags: uninsdeletevalue
Root: HKCU; Subkey: "Software\Classes\Applications\{#AppExe}"; ValueType: string; ValueName: "FriendlyAppName"; ValueData: "{#AppName}"; Flags: uninsdeletekey
Root: HKCU; Subkey: "Software\Classes\Applications\{#AppExe}\SupportedTypes"; ValueType: string; ValueName: ".json"; ValueData: ""
Root: HKCU; Subkey: "Software\Classes\Applications\{#AppExe}\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\{#AppExe}"" ""%1"""

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent
