@echo off
rem The buttons as a local page (annex-tools serve) for the masters in this folder: the page
rem opens in the browser; close this window to stop it. Lines before "chcp 936" are ASCII (GBK file).
setlocal EnableExtensions
chcp 936 >nul
title 述职评议工具 页面（关闭本窗口即停止）
if not defined ANNEX_VENV set "ANNEX_VENV=%LOCALAPPDATA%\annex-tools\venv"
if not exist "%ANNEX_VENV%\Scripts\annex-tools.exe" goto not_installed
"%ANNEX_VENV%\Scripts\annex-tools.exe" serve "%~dp0."
exit /b %errorlevel%
:not_installed
echo 还没有安装述职评议工具：请先双击本文件夹中的“安装.cmd”。
pause
exit /b 1
