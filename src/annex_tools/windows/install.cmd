@echo off
rem annex-tools offline install for one Windows user (made by `annex-tools bundle`).
rem Written in GBK (code page 936) by the bundle; lines before "chcp 936" are ASCII, as cmd
rem decodes a batch file in the console code page. Safe to run again; the uninstall script undoes every step.
setlocal EnableExtensions
for /f "tokens=2 delims=:." %%a in ('chcp') do set "ANNEX_OLDCP=%%a"
chcp 936 >nul
title 述职评议工具 安装
set "HERE=%~dp0"
set "DIR=%HERE:~0,-1%"
set "VERSION=@VERSION@"
set "PYVERSIONS=@PYVERSIONS@"
if not defined ANNEX_VENV set "ANNEX_VENV=%LOCALAPPDATA%\annex-tools\venv"
set "VENV=%ANNEX_VENV%"
set "MASTER=%HERE%annex-master.xlsm"
set "WHEELS=%HERE%wheels"
set "CONF=%HERE%xlwings.conf"
set "TL=HKCU\Software\Microsoft\Office\16.0\Excel\Security\Trusted Locations\annex-tools"
if /i "%~1"=="--step" goto step_only

echo 述职评议工具（annex-tools %VERSION%）安装：不需要联网，只为当前用户安装。
echo.
if "%HERE:~0,2%"=="\\" goto on_share
call :step_python || goto fail
call :step_venv || goto fail
call :step_xlwings || goto fail
call :step_unblock
call :step_trust || goto fail
call :step_shortcut
echo.
echo 安装完成。以后双击桌面上的“述职评议主表”打开主表，使用“述职评议”选项卡中的按钮；
echo 第一次打开后请点“环境检查”，看到“环境正常”即可。没有 Excel 时，双击本文件夹中的“打开页面.cmd”。
goto done

:on_share
echo 请先把本文件夹复制到本机磁盘（例如 D:\述职评议），再双击“安装.cmd”：
echo 网络共享文件夹不能设为 Excel 的受信任位置。
goto fail

:step_only
call :step_%~2
set "RC=%errorlevel%"
chcp %ANNEX_OLDCP% >nul
exit /b %RC%

rem ---- 1. a Python 3.11-3.13 (64-bit, not the Microsoft Store one) -------------------------
:step_python
set "PYEXE="
if exist "%VENV%\Scripts\python.exe" call :probe "%VENV%\Scripts\python.exe"
if defined PYEXE goto python_found
for %%v in (3.13 3.12 3.11) do if not defined PYEXE call :probe py -%%v
for %%v in (313 312 311) do if not defined PYEXE if exist "%LOCALAPPDATA%\Programs\Python\Python%%v\python.exe" call :probe "%LOCALAPPDATA%\Programs\Python\Python%%v\python.exe"
for %%v in (313 312 311) do if not defined PYEXE if exist "%ProgramFiles%\Python%%v\python.exe" call :probe "%ProgramFiles%\Python%%v\python.exe"
if not defined PYEXE call :probe python
if not defined PYEXE call :carried_python
if defined PYEXE goto python_found
echo [1/6] 没有找到可用的 Python。
echo 请信息技术人员安装 Python 3.12（64 位，“Windows installer (64-bit)”），文件名形如
echo     python-3.12.10-amd64.exe
echo 从 python.org 下载；本安装包支持的版本：%PYVERSIONS%。安装时选“Install Now”（为当前用户安装，
echo 不需要管理员权限）；不要用 Microsoft Store 里的 Python（Excel 无法调用它）。
echo 这台电脑不能上网时，可以把这个安装程序放进本文件夹的 python 子文件夹：
echo     %HERE%python\
echo 再双击“安装.cmd”，它会自动为当前用户安装。
exit /b 1
:python_found
echo [1/6] 使用 Python：%PYEXE%
exit /b 0

:carried_python
for %%f in ("%HERE%python\python-3.1*-amd64.exe") do call :run_installer "%%~ff"
for %%v in (313 312 311) do if not defined PYEXE if exist "%LOCALAPPDATA%\Programs\Python\Python%%v\python.exe" call :probe "%LOCALAPPDATA%\Programs\Python\Python%%v\python.exe"
exit /b 0

:run_installer
echo 正在为当前用户安装 %~nx1（约 1 分钟）……
%1 /quiet InstallAllUsers=0 PrependPath=0 Include_test=0 Include_launcher=1 Shortcuts=0
exit /b 0

:probe
set "ANNEX_PYOUT=%TEMP%\annex-tools-python.txt"
del "%ANNEX_PYOUT%" >nul 2>&1
set "PYTHONIOENCODING=gbk"
%* -c "import sys,struct;ok=(3,11)<=sys.version_info[:2]<=(3,13) and struct.calcsize('P')==8 and 'WindowsApps' not in sys.executable;ok and print(sys.executable);sys.exit(0 if ok else 1)" >"%ANNEX_PYOUT%" 2>nul
if not errorlevel 1 set /p PYEXE=<"%ANNEX_PYOUT%"
set "PYTHONIOENCODING="
del "%ANNEX_PYOUT%" >nul 2>&1
exit /b 0

rem ---- 2. the environment under the user's profile, from the bundle's wheels only ---------
:step_venv
if exist "%VENV%\Scripts\python.exe" goto venv_update
echo [2/6] 建立 Python 环境：%VENV%
"%PYEXE%" -m venv "%VENV%"
if errorlevel 1 goto venv_failed
goto venv_install
:venv_update
echo [2/6] 更新 Python 环境：%VENV%
:venv_install
"%VENV%\Scripts\python.exe" -m pip install --isolated --no-index --find-links "%WHEELS%" --upgrade --disable-pip-version-check --no-warn-script-location -q "annex-tools[excel]==%VERSION%"
if errorlevel 1 goto pip_failed
"%VENV%\Scripts\python.exe" -c "import annex_tools, xlwings"
if errorlevel 1 goto pip_failed
exit /b 0
:venv_failed
echo 无法建立 Python 环境：%VENV%
exit /b 1
:pip_failed
echo 安装 annex-tools 失败。本文件夹的 wheels 中只有 Python %PYVERSIONS%（64 位）所需的文件；
echo 请确认使用的 Python 是这些版本之一，并且 wheels 文件夹完整（重新解压安装包）。
exit /b 1

rem ---- 3. xlwings uses this environment for the masters in this folder -------------------
:step_xlwings
set "ANNEX_CONF_NEW=%TEMP%\annex-tools-xlwings.conf"
>"%ANNEX_CONF_NEW%" echo "INTERPRETER_WIN","%%LOCALAPPDATA%%\annex-tools\venv\Scripts\python.exe"
call :same_file "%ANNEX_CONF_NEW%" "%CONF%"
if "%SAME%"=="1" goto conf_same
if exist "%CONF%" copy /y "%CONF%" "%CONF%.bak" >nul
:conf_write
copy /y "%ANNEX_CONF_NEW%" "%CONF%" >nul
if errorlevel 1 goto conf_failed
:conf_same
del "%ANNEX_CONF_NEW%" >nul 2>&1
echo [3/6] xlwings 使用本工具的 Python（设置在 %CONF%）。
exit /b 0
:conf_failed
echo 无法写入 %CONF%：请确认本文件夹可以写入。
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

rem ---- 4. the downloaded-file block (Mark of the Web) off the master ----------------------
:step_unblock
set "ANNEX_MASTER=%MASTER%"
powershell -NoProfile -ExecutionPolicy Bypass -Command "Unblock-File -LiteralPath $env:ANNEX_MASTER" >nul 2>&1
if not errorlevel 1 goto unblocked
rem without PowerShell: an empty Zone.Identifier stream carries no zone
type nul >"%MASTER%:Zone.Identifier" 2>nul
:unblocked
echo [4/6] 已解除主表“来自其他计算机”的锁定。
exit /b 0

rem ---- 5. this folder is an Excel trusted location for the current user -------------------
:step_trust
rem "%DIR%\\": reg.exe reads \" as an escaped quote, so the trailing backslash is doubled
reg add "%TL%" /v Path /t REG_SZ /d "%DIR%\\" /f >nul
if errorlevel 1 goto trust_failed
reg add "%TL%" /v AllowSubfolders /t REG_DWORD /d 0 /f >nul
reg add "%TL%" /v Description /t REG_SZ /d "annex-tools" /f >nul
echo [5/6] 本文件夹已加入 Excel 的受信任位置（只对当前用户）：%DIR%
exit /b 0
:trust_failed
echo 无法把本文件夹加入 Excel 的受信任位置（注册表 HKCU 不可写）。
exit /b 1

rem ---- 6. a desktop shortcut to the master -----------------------------------------------
:step_shortcut
set "ANNEX_MASTER=%MASTER%"
set "ANNEX_DIR=%DIR%"
set "ANNEX_LNK=述职评议主表.lnk"
powershell -NoProfile -ExecutionPolicy Bypass -Command "$d=[Environment]::GetFolderPath('Desktop');$s=(New-Object -ComObject WScript.Shell).CreateShortcut((Join-Path $d $env:ANNEX_LNK));$s.TargetPath=$env:ANNEX_MASTER;$s.WorkingDirectory=$env:ANNEX_DIR;$s.Save()" >nul 2>&1
if errorlevel 1 goto shortcut_failed
echo [6/6] 桌面上已有快捷方式“述职评议主表”。
exit /b 0
:shortcut_failed
echo [6/6] 未能在桌面建立快捷方式（PowerShell 不可用）；请直接打开 %MASTER%
exit /b 0

:fail
echo.
echo 安装没有完成。按上面的提示处理后，再双击“安装.cmd”（可以重复运行）。
chcp %ANNEX_OLDCP% >nul
if /i not "%~1"=="--quiet" pause
exit /b 1

:done
chcp %ANNEX_OLDCP% >nul
if /i not "%~1"=="--quiet" pause
exit /b 0
