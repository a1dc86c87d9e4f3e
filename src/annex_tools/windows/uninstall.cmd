@echo off
rem annex-tools uninstall for the current user: undoes what the install script did (the
rem environment, xlwings.conf, the trusted location, the shortcut). The master and every file
rem staff made stay. Lines before "chcp 936" are ASCII (GBK file). Safe to run again.
setlocal EnableExtensions
for /f "tokens=2 delims=:." %%a in ('chcp') do set "ANNEX_OLDCP=%%a"
chcp 936 >nul
title 述职评议工具 卸载
set "HERE=%~dp0"
if not defined ANNEX_VENV set "ANNEX_VENV=%LOCALAPPDATA%\annex-tools\venv"
set "VENV=%ANNEX_VENV%"
set "CONF=%HERE%xlwings.conf"
set "TL=HKCU\Software\Microsoft\Office\16.0\Excel\Security\Trusted Locations\annex-tools"
echo 卸载述职评议工具（只对当前用户）。主表和生成的文件都保留。
echo.
set "ANNEX_LNK=述职评议主表.lnk"
powershell -NoProfile -ExecutionPolicy Bypass -Command "$p=Join-Path ([Environment]::GetFolderPath('Desktop')) $env:ANNEX_LNK; if (Test-Path -LiteralPath $p) { Remove-Item -LiteralPath $p }" >nul 2>&1
echo 桌面快捷方式：已删除（或本来没有）。
reg query "%TL%" >nul 2>&1
if errorlevel 1 goto no_trust
reg delete "%TL%" /f >nul
:no_trust
echo Excel 受信任位置：已删除（或本来没有）。
set "ANNEX_CONF_OURS=%TEMP%\annex-tools-xlwings.conf"
>"%ANNEX_CONF_OURS%" echo "INTERPRETER_WIN","%%LOCALAPPDATA%%\annex-tools\venv\Scripts\python.exe"
call :same_file "%ANNEX_CONF_OURS%" "%CONF%"
if not "%SAME%"=="1" goto conf_done
del "%CONF%"
if exist "%CONF%.bak" move /y "%CONF%.bak" "%CONF%" >nul
:conf_done
del "%ANNEX_CONF_OURS%" >nul 2>&1
echo xlwings 设置：已恢复。
if not exist "%VENV%" goto venv_done
rmdir /s /q "%VENV%"
:venv_done
if exist "%VENV%" goto venv_busy
echo Python 环境：已删除（%VENV%）。
echo.
echo 卸载完成。
chcp %ANNEX_OLDCP% >nul
if /i not "%~1"=="--quiet" pause
exit /b 0
:venv_busy
echo Python 环境没有删干净（%VENV%）：可能有按钮或页面仍在运行。请关闭 Excel 和页面后再双击“卸载.cmd”。
chcp %ANNEX_OLDCP% >nul
if /i not "%~1"=="--quiet" pause
exit /b 1

:same_file
rem SAME=1 when the second file exists and is the first one: same size, same first line (the
rem files compared are one line; Wine's fc is a stub that always says "same")
set "SAME=0"
if not exist "%~2" exit /b 0
if not "%~z1"=="%~z2" exit /b 0
setlocal EnableDelayedExpansion
set "A="
set "B="
set /p A=<"%~1"
set /p B=<"%~2"
if "!A!"=="!B!" (endlocal & set "SAME=1") else endlocal
exit /b 0
