from django.urls import path

from . import feeds, views, views_editor

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("a/<int:pk>/", views.article, name="article"),
    path("a/<int:pk>/print/", views.article_print, name="print"),
    path("a/<int:pk>/feedback/", views.feedback, name="feedback"),
    path("a/<int:pk>/send/", views.send, name="send"),
    path("c/<slug:slug>/", views.category, name="category"),
    path("c/<slug:slug>/rss/", feeds.LatestFeed(), name="category-rss"),
    path("c/<slug:slug>/atom/", feeds.LatestAtomFeed(), name="category-atom"),
    path("rss/", feeds.LatestFeed(), name="rss"),
    path("atom/", feeds.LatestAtomFeed(), name="atom"),
    path("t/<slug:slug>/", views.tag, name="tag"),
    path("search/", views.search, name="search"),
    path("progress/", views.progress_list, name="progress-list"),
    path("progress/<int:pk>/", views.progress, name="progress"),
    path("progress/ranking/<int:pk>/", views.ranking, name="ranking"),
    path("sitemap.xml", views.sitemap, name="sitemap"),
    path("media/<path:path>", views.media, name="media"),
    # The back office.
    path("editor/", views_editor.articles, name="editor"),
    path("editor/new/", views_editor.article_new, name="editor-new"),
    path("editor/<int:pk>/", views_editor.article_edit, name="editor-article"),
    path("editor/<int:pk>/step/<slug:step>/", views_editor.article_step, name="editor-step"),
    path("editor/<int:pk>/feature/", views_editor.article_feature, name="editor-feature"),
    path("editor/<int:pk>/image/", views_editor.article_image, name="editor-image"),
    path("editor/<int:pk>/history/", views_editor.article_history, name="editor-history"),
    path(
        "editor/<int:pk>/history/<int:history_id>/restore/",
        views_editor.article_restore,
        name="editor-restore",
    ),
    path("editor/categories/", views_editor.categories, name="editor-categories"),
    path("editor/categories/<int:pk>/", views_editor.category_edit, name="editor-category"),
    path("editor/tags/", views_editor.tags, name="editor-tags"),
    path("editor/tags/<int:pk>/", views_editor.tag_edit, name="editor-tag"),
    path("editor/progress/", views_editor.progress_pages, name="editor-progress"),
    path("editor/rankings/", views_editor.rankings, name="editor-rankings"),
    path(
        "editor/rankings/<int:pk>/withdraw/",
        views_editor.ranking_withdraw,
        name="editor-ranking-withdraw",
    ),
    path("editor/feedback/", views_editor.feedback_list, name="editor-feedback"),
    path("editor/feedback/<int:pk>/", views_editor.feedback_detail, name="editor-feedback-detail"),
]
