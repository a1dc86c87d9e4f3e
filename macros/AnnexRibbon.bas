Attribute VB_Name = "AnnexRibbon"
' Ribbon callbacks of the master workbook. ASCII only: labels live in customUI.xml.
' Every button runs the same Python service as its annex-tools CLI twin.
Option Explicit

Public Sub OnRunCheck(control As IRibbonControl)
    RunPython "import annex_tools.excel as ax; ax.run_check()"
End Sub

Public Sub OnClearMarks(control As IRibbonControl)
    RunPython "import annex_tools.excel as ax; ax.clear_marks()"
End Sub

Public Sub OnMakeTemplates(control As IRibbonControl)
    RunPython "import annex_tools.excel as ax; ax.make_templates()"
End Sub

Public Sub OnMakeAnnex2(control As IRibbonControl)
    RunPython "import annex_tools.excel as ax; ax.make_annex2()"
End Sub

Public Sub OnMakeSummary(control As IRibbonControl)
    RunPython "import annex_tools.excel as ax; ax.make_summary()"
End Sub

Public Sub OnMakeGradeNotice(control As IRibbonControl)
    RunPython "import annex_tools.excel as ax; ax.make_grade_notice()"
End Sub

Public Sub OnMakeFollowup(control As IRibbonControl)
    RunPython "import annex_tools.excel as ax; ax.make_followup()"
End Sub

Public Sub OnMakeFeedback(control As IRibbonControl)
    RunPython "import annex_tools.excel as ax; ax.make_feedback()"
End Sub

Public Sub OnImportReports(control As IRibbonControl)
    RunPython "import annex_tools.excel as ax; ax.import_reports()"
End Sub

Public Sub OnImportReturns(control As IRibbonControl)
    RunPython "import annex_tools.excel as ax; ax.import_returns()"
End Sub

Public Sub OnMakeBallots(control As IRibbonControl)
    RunPython "import annex_tools.excel as ax; ax.make_ballots()"
End Sub

Public Sub OnMakeInterviews(control As IRibbonControl)
    RunPython "import annex_tools.excel as ax; ax.make_interviews()"
End Sub

Public Sub OnMakeRectForms(control As IRibbonControl)
    RunPython "import annex_tools.excel as ax; ax.make_rect_forms()"
End Sub

Public Sub OnImportRectProgress(control As IRibbonControl)
    RunPython "import annex_tools.excel as ax; ax.import_rect_progress()"
End Sub

Public Sub OnImportBallots(control As IRibbonControl)
    RunPython "import annex_tools.excel as ax; ax.import_ballots()"
End Sub

Public Sub OnArchive(control As IRibbonControl)
    RunPython "import annex_tools.excel as ax; ax.archive_opinions()"
End Sub

Public Sub OnShowGuide(control As IRibbonControl)
    RunPython "import annex_tools.excel as ax; ax.show_guide()"
End Sub

Public Sub OnEnvCheck(control As IRibbonControl)
    RunPython "import annex_tools.excel as ax; ax.env_check()"
End Sub

Public Sub OnMakeProgress(control As IRibbonControl)
    RunPython "import annex_tools.excel as ax; ax.make_progress()"
End Sub

Public Sub OnNewYear(control As IRibbonControl)
    RunPython "import annex_tools.excel as ax; ax.new_year()"
End Sub
