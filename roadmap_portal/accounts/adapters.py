from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.conf import settings
from django.contrib.sites.shortcuts import get_current_site

from roadmap_portal.core.mail import queue_rendered_mail


class AccountAdapter(DefaultAccountAdapter):
    """allauth in the portal's own terms: links point at the configured site, mail goes out
    through the outbox, and sign-up stores the user's full name."""

    def get_email_confirmation_url(self, request, emailconfirmation):
        url = super().get_email_confirmation_url(request, emailconfirmation)
        if request is None:
            return settings.SITE_URL + url
        return url

    def save_user(self, request, user, form, commit=True):
        full_name = form.cleaned_data.get("full_name")
        if full_name:
            user.full_name = full_name
        return super().save_user(request, user, form, commit=commit)

    def send_mail(self, template_prefix, email, context):
        """Render allauth's message as allauth does, then write it to the outbox.

        Verification, password reset and change of e-mail are transactional: they carry no
        unsubscribe link. The topic names allauth's template, e.g. "account.password_reset_key".
        """
        request = allauth_context.request
        message_context = {
            "request": request,
            "email": email,
            "current_site": get_current_site(request) if request is not None else None,
            "site_name": settings.SITE_NAME,
            "site_url": settings.SITE_URL,
        }
        message_context.update(context)
        message = self.render_mail(template_prefix, email, message_context)
        body_html = ""
        for content, mimetype in getattr(message, "alternatives", []):
            if mimetype == "text/html":
                body_html = content
        if message.content_subtype == "html":
            body_html, body_text = message.body, ""
        else:
            body_text = message.body
        queue_rendered_mail(
            to=email,
            subject=message.subject,
            body_text=body_text,
            body_html=body_html,
            topic=f"account.{template_prefix.rsplit('/', 1)[-1]}"[:60],
        )
