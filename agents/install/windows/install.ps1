# Installs the storepulse agent as a Windows service with WinSW. Run in an elevated PowerShell
# from a folder holding storepulse-agent.exe, storepulse-agent-service.exe (WinSW), the XML
# beside this script, agent.yaml and agent.secret. See agents/README.md, "Install on Windows".
$ErrorActionPreference = 'Stop'
$bin = 'C:\Program Files\storepulse'
$data = 'C:\ProgramData\storepulse'
New-Item -ItemType Directory -Force -Path $bin, $data, "$data\spool" | Out-Null
Copy-Item storepulse-agent.exe, storepulse-agent-service.exe, storepulse-agent.xml -Destination $bin
Copy-Item agent.yaml, agent.secret -Destination $data

# The secret and the spool: readable by SYSTEM and Administrators only.
foreach ($path in "$data\agent.secret", "$data\spool") {
  icacls $path /inheritance:r /grant:r 'SYSTEM:(OI)(CI)F' 'Administrators:(OI)(CI)F' | Out-Null
}

& "$bin\storepulse-agent.exe" check --config "$data\agent.yaml"
if ($LASTEXITCODE -eq 1) { throw 'agent.yaml is not valid; nothing installed' }

& "$bin\storepulse-agent-service.exe" install
& "$bin\storepulse-agent-service.exe" start
